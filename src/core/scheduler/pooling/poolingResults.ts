// What the pooling engine answers, per input, as plain readonly data the HTTP layer can serialise.
import type { EncodedInput } from '../../contracts/pooling.js';

/**
 * An input: text (tokenized with the model's tokenizer), token ids (used as given, specials included), or a
 * text the caller already tokenized with the model's tokenizer (its ids and token types, as the engine's own
 * encoder would give them: the server's body worker tokenizes large requests off the event loop).
 */
export type PoolingInput = string | readonly number[] | EncodedInput;

/** A (query, document) pair, or one already encoded through the tokenizer's pair template. */
export type PoolingPair = readonly [PoolingInput, PoolingInput] | EncodedInput;

export interface PoolingCallOptions {
  /** Aborting removes the call's requests that have not started; the call rejects with an AbortError. */
  readonly signal?: AbortSignal;
}

export interface EmbedOptions extends PoolingCallOptions {
  /** L2-normalise the vectors; default: as the model's config says (sentence-transformers Normalize). */
  readonly normalize?: boolean;
}

export interface RerankOptions extends PoolingCallOptions {
  /** Keep only the best `topN` documents (default: all). */
  readonly topN?: number;
}

export interface EmbeddingResult {
  readonly index: number;
  readonly embedding: Float32Array;
  readonly promptTokens: number;
}

export interface ScoreResult {
  readonly index: number;
  /** sigmoid(logit) or the raw logit, as the model's config says (see PoolingModelDescription.scoreActivation). */
  readonly score: number;
  readonly promptTokens: number;
}

export interface RerankResult {
  /** Position of the document in the request. */
  readonly index: number;
  readonly relevanceScore: number;
  readonly promptTokens: number;
}

export interface ClassificationResult {
  readonly index: number;
  readonly label: string;
  readonly labelIndex: number;
  /** Softmax over the logits, one per label. */
  readonly probs: readonly number[];
  readonly logits: readonly number[];
  readonly promptTokens: number;
}

/** The model's raw per-input output (`/pooling`): pooled vector (unnormalised) or logits. */
export interface RawPoolingResult {
  readonly index: number;
  readonly data: Float32Array;
  readonly promptTokens: number;
}
