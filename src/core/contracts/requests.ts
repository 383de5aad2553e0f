import type { RequestId } from './ids.js';

/**
 * Sampling parameters, opaque to the scheduler: carried through to the backend that samples.
 * Plain, serialisable data.
 */
export type SamplingParams = Readonly<Record<string, unknown>>;

/** Why a request ended. */
export type FinishReason = 'stop' | 'length' | 'abort';

/** A generation request as the core accepts it: token ids in, limits and stop rules decided up front. */
export interface GenerationRequest {
  readonly requestId: RequestId;
  readonly promptTokenIds: readonly number[];
  /** Output tokens to produce at most; when absent, `max_model_len - padded prompt` (SPEC §1.4). */
  readonly maxTokens?: number;
  /** Output tokens to produce before EOS or a stop token may end the request. */
  readonly minTokens?: number;
  readonly ignoreEos?: boolean;
  /** End-of-sequence ids of the model; ignored with `ignoreEos`. */
  readonly eosTokenIds?: readonly number[];
  /** Extra ids that end the request (`stop_token_ids`). */
  readonly stopTokenIds?: readonly number[];
  /** Mixed into the first block's hash so that tenants do not share prefix-cache entries. */
  readonly cacheSalt?: string;
  readonly sampling?: SamplingParams;
  /**
   * Parallel sampling (`n > 1`): further copies of this request, with the same prompt, limits and stop rules.
   * They share its prefill (run once) and its prompt's full KV blocks, and each samples its own tokens.
   */
  readonly forks?: readonly ForkedCopy[];
  /** When the request reached the engine, on the engine's clock. Defaults to the clock's now. */
  readonly arrivalTimeS?: number;
}

/** One further copy of a request sampled `n > 1` times: its own id and sampling (its seed). */
export interface ForkedCopy {
  readonly requestId: RequestId;
  readonly sampling?: SamplingParams;
}
