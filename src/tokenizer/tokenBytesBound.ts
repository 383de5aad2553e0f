// How many bytes of input text one token can stand for, read from tokenizer.json: a text of B UTF-8 bytes
// then needs at least ceil(B / maxInputBytesPerToken) tokens, so an over-long prompt is refused from its
// byte length alone, before any tokenizing. The bound is derived, not guessed: each stage that could let
// one token swallow an unbounded run of input (whitespace stripped or split away, a fused unknown run, an
// added token that eats the spaces beside it, a regex replacement) makes the tokenizer `unbounded`, with
// the reason. The stages are those @huggingface/tokenizers runs: added tokens, normalizer, pre-tokenizer,
// model.
import type { JsonObject } from '../models/dir/jsonFile.js';

export type TokenBytesBound =
  | { readonly kind: 'bounded'; readonly maxInputBytesPerToken: number }
  | { readonly kind: 'unbounded'; readonly reason: string };

/** A stage's worst shrink: input bytes ≤ factor × output bytes; undefined when no factor holds. */
type Shrink = { readonly factor: number } | { readonly reason: string };

const utf8 = new TextEncoder();
const byteLength = (text: string): number => utf8.encode(text).length;
const codePointLength = (text: string): number => [...text].length;

/**
 * Lowercasing maps one code point at a time (final sigma aside, 2 bytes either way); the worst is the
 * Kelvin sign (3 bytes) to `k` (1 byte). test/unit/tokenizer/tokenBytesBound.test.ts checks every code point.
 */
export const LOWERCASE_SHRINK = 3;
/**
 * Decomposition never drops a code point and never shrinks one below a byte: at most 4 bytes in, 1 out.
 * Composition then merges at most MAX_CANONICAL_DECOMPOSITION code points (each ≤ 4 bytes) into one.
 */
export const MAX_CANONICAL_DECOMPOSITION = 4;
const UNICODE_SHRINK: Readonly<Record<string, number>> = { NFD: 4, NFKD: 4, NFC: 4 * MAX_CANONICAL_DECOMPOSITION, NFKC: 4 * MAX_CANONICAL_DECOMPOSITION };

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function literalPattern(pattern: unknown): string | undefined {
  const string = asObject(pattern)?.['String'];
  return typeof string === 'string' ? string : undefined;
}

function replaceShrink(config: JsonObject, stage: string): Shrink {
  const pattern = literalPattern(config['pattern']);
  const content = typeof config['content'] === 'string' ? config['content'] : '';
  if (pattern === undefined) return { reason: `the ${stage} Replace uses a regex, which can delete any run of text` };
  if (pattern === '') return { factor: 1 };
  if (content === '') return { reason: `the ${stage} Replace deletes every ${JSON.stringify(pattern)}` };
  return { factor: Math.max(1, byteLength(pattern) / byteLength(content)) };
}

function sequenceShrink(parts: unknown, each: (config: JsonObject) => Shrink): Shrink {
  let factor = 1;
  for (const part of Array.isArray(parts) ? parts : []) {
    const config = asObject(part);
    if (config === undefined) continue;
    const shrink = each(config);
    if ('reason' in shrink) return shrink;
    factor *= shrink.factor;
  }
  return { factor };
}

function normalizerShrink(config: JsonObject | undefined): Shrink {
  if (config === undefined) return { factor: 1 };
  const type = String(config['type']);
  switch (type) {
    case 'Sequence':
      return sequenceShrink(config['normalizers'], normalizerShrink);
    case 'Prepend':
      return { factor: 1 };
    case 'Replace':
      return replaceShrink(config, 'normalizer');
    case 'Lowercase':
      return { factor: LOWERCASE_SHRINK };
    case 'NFC': case 'NFD': case 'NFKC': case 'NFKD':
      return { factor: UNICODE_SHRINK[type] as number };
    default:
      // Strip, StripAccents, BertNormalizer (drops control characters), Precompiled (a charsmap).
      return { reason: `the ${type} normalizer can delete any run of text` };
  }
}

/** Pre-tokenizers that keep every character (they only split, or widen spaces): 1; else the reason. */
function preTokenizerShrink(config: JsonObject | undefined): Shrink {
  if (config === undefined) return { factor: 1 };
  const type = String(config['type']);
  switch (type) {
    case 'Sequence':
      return sequenceShrink(config['pretokenizers'], preTokenizerShrink);
    case 'ByteLevel': case 'Metaspace': case 'Digits': case 'Punctuation':
      return { factor: 1 };
    case 'Split':
      if (config['invert'] === true) return { reason: 'the Split pre-tokenizer keeps only what its pattern matches' };
      if (String(config['behavior']).toLowerCase() === 'removed') return { reason: 'the Split pre-tokenizer removes what its pattern matches' };
      return { factor: 1 };
    default:
      // Whitespace, WhitespaceSplit, BertPreTokenizer drop whitespace; CharDelimiterSplit its delimiter.
      return { reason: `the ${type} pre-tokenizer drops the text it splits on` };
  }
}

function usesByteLevel(config: JsonObject | undefined): boolean {
  if (config === undefined) return false;
  if (config['type'] === 'ByteLevel') return true;
  const parts = config['pretokenizers'];
  return Array.isArray(parts) && parts.some((part) => usesByteLevel(asObject(part)));
}

/** GPT-2's byte-to-character table: the 256 symbols a byte-level vocabulary must hold to spell any text. */
function byteLevelAlphabet(): string[] {
  const printable = (byte: number): boolean => (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  let shifted = 0;
  return Array.from({ length: 256 }, (_, byte) => String.fromCodePoint(printable(byte) ? byte : 256 + shifted++));
}

const byteFallbackToken = (byte: number): string => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;

function mergeResult(merge: unknown): string | undefined {
  if (Array.isArray(merge)) return merge.join('');
  if (typeof merge !== 'string') return undefined;
  const space = merge.indexOf(' ');
  return space < 0 ? undefined : merge.slice(0, space) + merge.slice(space + 1);
}

/**
 * The most model-space units one BPE token covers: bytes of a byte-level vocabulary's symbols (one
 * character per byte), else UTF-8 bytes of the pre-tokenized text. A piece the vocabulary cannot spell
 * becomes byte-fallback tokens (one byte each), else the unknown token (one character), else is dropped.
 */
function bpeCoverage(model: JsonObject, byteLevel: boolean): TokenBytesBound {
  const vocab = asObject(model['vocab']) ?? {};
  const tokens = Object.keys(vocab);
  const has = (token: string): boolean => Object.hasOwn(vocab, token);
  const spells = byteLevel
    ? byteLevelAlphabet().every(has) && (Array.isArray(model['merges']) ? model['merges'] : []).every((merge) => {
      const result = mergeResult(merge);
      return result === undefined || has(result);
    })
    : model['byte_fallback'] === true && Array.from({ length: 256 }, (_, byte) => byteFallbackToken(byte)).every(has);
  let maxUnits = 0;
  for (const token of tokens) maxUnits = Math.max(maxUnits, byteLevel ? codePointLength(token) : byteLength(token));
  if (spells) return { kind: 'bounded', maxInputBytesPerToken: maxUnits };
  const unk = model['unk_token'];
  if (typeof unk !== 'string') return { kind: 'unbounded', reason: 'the BPE vocabulary cannot spell every character and has no unk_token, so such text is dropped' };
  if (model['fuse_unk'] === true) return { kind: 'unbounded', reason: 'the BPE model fuses a run of unknown characters into one unk_token (fuse_unk)' };
  return { kind: 'bounded', maxInputBytesPerToken: Math.max(maxUnits, byteLevel ? 1 : 4) };
}

function modelCoverage(model: JsonObject | undefined, byteLevel: boolean): TokenBytesBound {
  const type = String(model?.['type']);
  if (model === undefined || type !== 'BPE') {
    // WordPiece, WordLevel and Unigram give a whole unknown word (or run) one token, whatever its length.
    return { kind: 'unbounded', reason: `the ${type} model gives one token to an unknown word of any length` };
  }
  return bpeCoverage(model, byteLevel);
}

function addedTokensCoverage(addedTokens: unknown): TokenBytesBound {
  let maxBytes = 0;
  for (const entry of Array.isArray(addedTokens) ? addedTokens : []) {
    const token = asObject(entry);
    if (token === undefined || typeof token['content'] !== 'string') continue;
    if (token['lstrip'] === true || token['rstrip'] === true) {
      return { kind: 'unbounded', reason: `the added token ${JSON.stringify(token['content'])} strips the whitespace beside it (lstrip/rstrip)` };
    }
    maxBytes = Math.max(maxBytes, byteLength(token['content']));
  }
  return { kind: 'bounded', maxInputBytesPerToken: maxBytes };
}

/**
 * The most UTF-8 bytes of input one token can stand for, for tokenizer.json (`tokenizerJson`) with its
 * tokenizer_config.json (`tokenizerConfig`), as @huggingface/tokenizers encodes. Post-processors only add
 * tokens, so they never lower the count.
 */
export function tokenBytesBound(tokenizerJson: JsonObject, tokenizerConfig: JsonObject = {}): TokenBytesBound {
  if (tokenizerConfig['remove_space'] === true) return { kind: 'unbounded', reason: 'tokenizer_config.json remove_space collapses runs of whitespace' };
  if (tokenizerConfig['do_lowercase_and_remove_accent'] === true) return { kind: 'unbounded', reason: 'tokenizer_config.json do_lowercase_and_remove_accent deletes accents' };
  const preTokenizer = asObject(tokenizerJson['pre_tokenizer']);
  const stages = [normalizerShrink(asObject(tokenizerJson['normalizer'])), preTokenizerShrink(preTokenizer)];
  let shrink = 1;
  for (const stage of stages) {
    if ('reason' in stage) return { kind: 'unbounded', reason: stage.reason };
    shrink *= stage.factor;
  }
  const model = modelCoverage(asObject(tokenizerJson['model']), usesByteLevel(preTokenizer));
  if (model.kind === 'unbounded') return model;
  const added = addedTokensCoverage(tokenizerJson['added_tokens']);
  if (added.kind === 'unbounded') return added;
  const maxUnits = Math.max(model.maxInputBytesPerToken, added.maxInputBytesPerToken, 1);
  return { kind: 'bounded', maxInputBytesPerToken: Math.ceil(shrink * maxUnits) };
}

/** The fewest tokens `text` can encode to (0 when the tokenizer has no bound). */
export function minTokensOf(text: string, bound: TokenBytesBound): number {
  if (bound.kind === 'unbounded') return 0;
  return Math.ceil(Buffer.byteLength(text, 'utf8') / bound.maxInputBytesPerToken);
}
