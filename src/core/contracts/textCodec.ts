import type { ServiceIdentifier } from 'inversify';

/** One chat turn, as OpenAI and chat templates write it. */
export interface ChatTurn {
  readonly role: string;
  readonly content: string;
}

/** Turns generated ids into text one token at a time, never splitting a multi-byte character. */
export interface IncrementalTextDecoder {
  /** Adds one generated id; returns the text it completes (often '', never a broken character). */
  push(tokenId: number): string;
  /** At the end: whatever was held back. */
  flush(): string;
}

/**
 * The text side of a model, as the async engine needs it: encode, decode, the chat template, streaming
 * detokenization and the ids that end a generation. Implemented over a tokenizer by the composition root;
 * the core never sees a tokenizer library.
 */
export interface TextCodec {
  /** Ids of `text`; `addSpecialTokens` (default true) adds what the tokenizer's post-processor adds (e.g. bos). */
  encode(text: string, options?: { readonly addSpecialTokens?: boolean }): number[];
  /** Text of `ids`, special tokens skipped. */
  decode(ids: readonly number[]): string;
  /** The model's chat template applied to `turns`, ending with the assistant's opening when asked. */
  applyChatTemplate(turns: readonly ChatTurn[], options: { readonly addGenerationPrompt: boolean }): string;
  /** A fresh streaming decoder; `contextIds` (the prompt) are context only and never emitted. */
  createDetokenizer(contextIds: readonly number[]): IncrementalTextDecoder;
  /** The token's own UTF-8 bytes, also for a token that ends mid-character (OpenAI's logprobs `bytes`); absent: the bytes of `decode([id])`. */
  tokenBytes?(tokenId: number): Uint8Array;
  /** Ids that end a generation (unless `ignore_eos`). */
  readonly eosTokenIds: readonly number[];
}

/** DI identifier of the {@link TextCodec} service. */
export const TextCodec: ServiceIdentifier<TextCodec> = Symbol.for('spyre.TextCodec');
