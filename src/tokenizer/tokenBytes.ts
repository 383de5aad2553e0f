// A token's own bytes, as OpenAI's logprobs `bytes` field carries them: for byte-level BPE the bytes its
// characters stand for, for SentencePiece byte fallback the byte of `<0xNN>` — also when the token ends in the
// middle of a character, which its decoded text (U+FFFD) cannot show.
import { BYTE_TO_CHAR } from './byteLevelTable.js';
import type { JsonObject } from '../models/dir/jsonFile.js';

/** A token's text in the vocabulary → its bytes; undefined when the decoder is not one this knows (the caller falls back to its decoded text). */
export type TokenBytesOf = (token: string) => Uint8Array | undefined;

const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));
const BYTE_FALLBACK = /^<0x([0-9A-Fa-f]{2})>$/;
const utf8 = new TextEncoder();

/** The decoders of tokenizer.json's `decoder`, a Sequence flattened. */
function decoderSteps(decoder: unknown): JsonObject[] {
  if (typeof decoder !== 'object' || decoder === null) return [];
  const step = decoder as JsonObject;
  if (step['type'] === 'Sequence' && Array.isArray(step['decoders'])) return step['decoders'].flatMap(decoderSteps);
  return [step];
}

function byteLevelBytes(token: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const char of token) {
    const byte = CHAR_TO_BYTE.get(char);
    if (byte === undefined) return undefined; // not a byte-level piece (an added token)
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

/** `Replace` decoders of a string pattern (SentencePiece's ▁ → space), in order. */
function replacer(steps: readonly JsonObject[]): (text: string) => string {
  const replaces = steps
    .filter((step) => step['type'] === 'Replace')
    .map((step) => ({ from: (step['pattern'] as JsonObject | undefined)?.['String'], to: step['content'] }))
    .filter((replace): replace is { from: string; to: string } => typeof replace.from === 'string' && typeof replace.to === 'string');
  return (text) => replaces.reduce((current, replace) => current.split(replace.from).join(replace.to), text);
}

/**
 * How to read a token's bytes under tokenizer.json's decoder: ByteLevel (GPT-2's byte table), or ByteFallback
 * with Replace (Llama, Mistral: `<0xE2>` is one byte, `▁` a space; a token's leading space is its own, the
 * decoder's Strip of the first space applies to a whole text only). Any other decoder: undefined.
 */
export function tokenBytesOf(tokenizerJson: JsonObject): TokenBytesOf {
  const steps = decoderSteps(tokenizerJson['decoder']);
  if (steps.some((step) => step['type'] === 'ByteLevel')) return byteLevelBytes;
  if (steps.some((step) => step['type'] === 'ByteFallback')) {
    const replace = replacer(steps);
    return (token) => {
      const fallback = BYTE_FALLBACK.exec(token);
      return fallback ? Uint8Array.of(Number.parseInt(fallback[1] as string, 16)) : utf8.encode(replace(token));
    };
  }
  return () => undefined;
}
