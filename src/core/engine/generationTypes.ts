import type { FinishReason } from '../contracts/requests.js';
import type { ChatTurn } from '../contracts/textCodec.js';
import type { SampledLogprobs } from './sampling/logprobs.js';

/** What to continue: plain text, chat turns (rendered with the model's template) or token ids. */
export type PromptInput = string | readonly ChatTurn[] | { readonly promptTokenIds: readonly number[] };

/** vLLM's SamplingParams, camelCased. Everything is optional; absent means vLLM's default. */
export interface GenerateParams {
  /** Default: `max_model_len - padded prompt` (SPEC §1.4). */
  readonly maxTokens?: number;
  readonly minTokens?: number;
  /** Default 1; 0 is greedy. */
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly minP?: number;
  readonly seed?: number;
  readonly repetitionPenalty?: number;
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
  /** Text that ends the request; the output is cut just before it (SPEC §2.5). */
  readonly stop?: string | readonly string[];
  readonly stopTokenIds?: readonly number[];
  readonly includeStopStrInOutput?: boolean;
  readonly ignoreEos?: boolean;
  /** Top log-probabilities per output token (0–20). */
  readonly logprobs?: number;
  readonly cacheSalt?: string;
  /**
   * Parallel sampling: `n` copies of the completion (default 1), prefilled once. With a seed, copy `i`
   * samples with `seed + i` (vLLM's rule); greedy sampling needs `n = 1`, as in vLLM.
   */
  readonly n?: number;
}

export interface GenerateOptions {
  /** Aborting ends the request at once: its output ends with finish reason `abort` and its blocks are freed. */
  readonly signal?: AbortSignal;
  /** A caller-chosen id (unique among running requests); default: generated. */
  readonly requestId?: string;
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/** New tokens of one step, with the text they completed (possibly '' while a character or stop string is pending). */
export interface DeltaOutput {
  readonly kind: 'delta';
  readonly requestId: string;
  /** With `n > 1`: which copy (0 … n − 1) this output belongs to; `requestId` is then the copy's own id. */
  readonly index?: number;
  readonly text: string;
  readonly tokenIds: readonly number[];
  readonly logprobs?: readonly SampledLogprobs[];
}

/** The end of a request: the whole text and ids, why it ended, and the token counts. */
export interface FinalOutput {
  readonly kind: 'final';
  readonly requestId: string;
  /** With `n > 1`: which copy (0 … n − 1) ended; each copy ends with a final output of its own. */
  readonly index?: number;
  readonly text: string;
  readonly tokenIds: readonly number[];
  readonly finishReason: FinishReason;
  /** What stopped it, as vLLM's `stop_reason`: the stop string matched or the stop token id; absent for EOS, length or an abort. */
  readonly stopReason?: string | number;
  readonly usage: Usage;
}

/**
 * What `generate` streams: deltas, then exactly one final output (or an error thrown by the iterator); with
 * `n > 1`, the copies' outputs interleaved, each copy's deltas then its final output, `n` finals in all.
 */
export type GenerationOutput = DeltaOutput | FinalOutput;

/** One entry of an offline batch: the final output, or why the request failed. */
export type BatchResult = FinalOutput | { readonly kind: 'error'; readonly requestId: string; readonly message: string };
