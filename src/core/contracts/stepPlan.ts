import type { BlockId, RequestId } from './ids.js';
import type { SamplingParams } from './requests.js';

/**
 * One prefill chunk of one request: exactly `chunkSize` token slots.
 * Slot `s` holds prompt token `firstTokenIndex + s - firstValidSlot` for `firstValidSlot <= s < endValidSlot`;
 * every other slot is padding (token 0, attention masked).
 */
export interface PrefillChunkPlan {
  readonly kind: 'prefill';
  readonly requestId: RequestId;
  readonly sampling: SamplingParams;
  readonly chunkIndex: number;
  readonly chunkSize: number;
  /**
   * Slot tokens, `chunkSize` long; padding slots hold 0. **Valid for its step only**: the core writes the next
   * chunk's tokens into the same array, so a backend reads it until `finishStep` and copies what it keeps.
   */
  readonly tokenIds: readonly number[];
  /** Index in the prompt of the token in slot `firstValidSlot`. */
  readonly firstTokenIndex: number;
  readonly firstValidSlot: number;
  readonly endValidSlot: number;
  /**
   * The context the chunk attends to, one entry per 64 positions: `[0]*paddingBlocks + request blocks`,
   * truncated to `(chunkIndex + 1) * chunkSize / 64` entries.
   */
  readonly blockTable: readonly BlockId[];
  /** Number of leading entries of `blockTable` that are left padding. */
  readonly paddingBlocks: number;
  /** Where each 64-slot block of this chunk writes its KV; 0 discards (padding, prefix-hit blocks). */
  readonly slotBlocks: readonly BlockId[];
  /** Only the last chunk samples a token (the request's first output token). */
  readonly isLastChunk: boolean;
  /**
   * Parallel sampling (`n > 1`), last chunk only: the request's copies forked from it at this chunk. Each
   * samples its own first token from the same logits as the request (its own sampling state: its seed).
   */
  readonly forks?: readonly ForkedCopyPlan[];
  /**
   * KV blocks to copy after the chunk's writes, in order: the prompt's partially filled last block, once per
   * copy, into the copy's own block (copy on write: each copy decodes on into its own last block).
   */
  readonly blockCopies?: readonly BlockCopy[];
}

/** A copy of a request that shares its prefill (and its prompt's full KV blocks). */
export interface ForkedCopyPlan {
  readonly requestId: RequestId;
  readonly sampling: SamplingParams;
}

/** Copy the KV of every layer of block `source` into block `target`. */
export interface BlockCopy {
  readonly source: BlockId;
  readonly target: BlockId;
}

/**
 * One row of a decode batch. **Valid for its step only**: the row object is the request's own and the core
 * rewrites it (token, position, block table, padding) when it plans the request's next decode, so a backend
 * reads it while it executes the step (until `finishStep`) and copies what it needs across steps. A
 * `blockTable` array itself is never written once handed out: keeping it is safe.
 */
export interface DecodeRowPlan {
  readonly requestId: RequestId;
  readonly sampling: SamplingParams;
  /** The newest token, fed back to produce the next one. */
  readonly tokenId: number;
  /** Its position in the sequence (= the request's computed tokens before the step). */
  readonly position: number;
  /** The request's blocks, left-padded with block 0 up to the batch's largest block count. */
  readonly blockTable: readonly BlockId[];
  readonly paddingBlocks: number;
  /** The request's prompt and output tokens so far: what penalties and stop rules need. */
  readonly numPromptTokens: number;
}

/** One decode step of every decoding request: a rectangular batch padded to `tkv`. Its rows are valid until `finishStep` (see DecodeRowPlan). */
export interface DecodeBatchPlan {
  readonly kind: 'decode';
  readonly tkv: number;
  readonly rows: readonly DecodeRowPlan[];
}

/** What the core asks the device to do in one step. Plain, readonly data. */
export type StepPlan = PrefillChunkPlan | DecodeBatchPlan;

/** Output of a step for one request. */
export interface SampledToken {
  readonly requestId: RequestId;
  readonly tokenId: number;
  /** Backend-specific extras (logprobs …), passed through to the caller untouched. */
  readonly extras?: Readonly<Record<string, unknown>>;
}

/** What the device answers for a step. A prefill chunk that is not the last samples nothing. */
export interface StepResult {
  readonly sampled: readonly SampledToken[];
  /** Requests the backend could not serve in this step; they end with an error, the others go on. */
  readonly failed?: readonly { readonly requestId: RequestId; readonly message: string }[];
}
