import type { BlockId, RequestId } from '../contracts/ids.js';
import type { FinishReason, SamplingParams } from '../contracts/requests.js';
import { NO_PREFIX_HIT, type PrefixHit } from '../kv/kvCacheManager.js';
import type { ReusedDecodeRow } from './decodeBatchPlan.js';
import { tokenBuffer } from './tokenSlab.js';

/** Shared by every request holding no blocks; typed readonly, never written. */
const NO_BLOCKS: readonly BlockId[] = [];
const NO_FORKS: readonly SchedulerRequest[] = [];
/** Output tokens the token buffer has room for at first; it doubles when a request outgrows it. */
const INITIAL_OUTPUT_ROOM = 256;

/** Where a request is in its life. */
export type RequestStatus = 'waiting' | 'prefilling' | 'decoding' | 'finished';

/** Everything the scheduler decides a request by, fixed when it is added. */
export interface RequestLimits {
  readonly maxTokens: number;
  readonly minTokens: number;
  readonly ignoreEos: boolean;
  readonly eosTokenIds: readonly number[];
  readonly stopTokenIds: readonly number[];
}

/**
 * The scheduler's mutable record of one request. Only the scheduler writes it.
 * `numComputedTokens` counts the tokens whose KV the scheduler treats as cached (SPEC §2.2).
 */
export class SchedulerRequest {
  /**
   * Prompt followed by the generated tokens: the first `numTokens` entries of a typed buffer. Off the JS heap,
   * so the prompts of a long waiting queue are never copied or scanned by the garbage collector. Read it with
   * explicit counts (the buffer is longer); only `appendToken` writes it.
   */
  tokenIds: Float64Array;
  numTokens: number;
  /** Tokens this request prefills: the prompt, or every token so far after a preemption. */
  numPrefillTokens: number;
  numComputedTokens = 0;
  status: RequestStatus = 'waiting';
  /** The cached blocks found when it was first scheduled; it holds all of them, usable or not. */
  prefixHit: PrefixHit = NO_PREFIX_HIT;
  /** Prefix tokens whose chunks the prefill skips (whole chunks only, SPEC §3). */
  numUsablePrefixTokens = 0;
  /** Its place in arrival order (FCFS priority): the newest running request is preempted first. */
  arrivalIndex = 0;
  /** Prefill steps run since it was (re)admitted: the first one may start a new batch. */
  numPrefillStepsRun = 0;
  /** Tokens handed out by the step in flight (prefill: the chunk's count; decode: 1). */
  numScheduledTokens = 0;
  finishReason: FinishReason | undefined;
  /** The stop token (of `stop_token_ids`) it ended on; undefined for EOS, length, a stop string or an abort. */
  stopTokenId: number | undefined;
  /** Its left-padded decode block table, reused while its block count and the batch's stay the same. */
  decodeBlockTable: readonly number[] = NO_BLOCKS;
  /**
   * The blocks it holds: the KV manager's own list for it (a handle, so a step reads no map by request id),
   * which only grows at its tail while held. Set when its first blocks are reserved (or forked), back to
   * empty when it gives them up (preemption, release).
   */
  blockIds: readonly BlockId[] = NO_BLOCKS;
  /** Its row of the decode plans, rewritten each step it decodes (see DecodeRowPlan). */
  decodeRow: ReusedDecodeRow | undefined;
  /**
   * Parallel sampling (`n > 1`): its copies not forked yet. They wait outside the queues until its last
   * prefill chunk, which forks them (shared prompt blocks, one sampled first token each).
   */
  pendingForks: readonly SchedulerRequest[] = NO_FORKS;
  /** For a copy not forked yet: the request whose prefill it waits for. */
  awaitingForkOf: SchedulerRequest | undefined;

  constructor(
    readonly id: RequestId,
    promptTokenIds: readonly number[],
    readonly limits: RequestLimits,
    readonly sampling: SamplingParams,
    readonly cacheSalt: string | undefined,
    readonly arrivalTimeS: number,
  ) {
    const numPromptTokens = promptTokenIds.length;
    this.tokenIds = tokenBuffer(numPromptTokens + Math.min(limits.maxTokens, INITIAL_OUTPUT_ROOM));
    for (let index = 0; index < numPromptTokens; index++) this.tokenIds[index] = promptTokenIds[index]!;
    this.numTokens = numPromptTokens;
    this.numPrefillTokens = promptTokenIds.length;
    this.numPromptTokens = promptTokenIds.length;
  }

  readonly numPromptTokens: number;

  get numOutputTokens(): number {
    return this.numTokens - this.numPromptTokens;
  }

  /** Appends a sampled token. */
  appendToken(tokenId: number): void {
    if (this.numTokens === this.tokenIds.length) {
      const grown = tokenBuffer(2 * this.tokenIds.length);
      grown.set(this.tokenIds);
      this.tokenIds = grown;
    }
    this.tokenIds[this.numTokens++] = tokenId;
  }

  /** The tokens so far as a view of exactly `numTokens` entries (what the KV manager hashes). */
  tokenView(): Float64Array {
    return this.tokenIds.subarray(0, this.numTokens);
  }

  /** Output tokens it may still produce. */
  get numRemainingTokens(): number {
    return this.limits.maxTokens - this.numOutputTokens;
  }

  /** Blocks held (the admission checks' `numBlocks`). */
  get numBlocks(): number {
    return this.blockIds.length;
  }

  /** One more than the tokens it still has to produce (`r_left` of SPEC §2.2). */
  get numLeftTokens(): number {
    return this.limits.maxTokens - (this.numTokens - this.numPromptTokens) + 1;
  }

  /** Gives up its blocks' handle (the KV manager freed them). */
  dropBlocks(): void {
    this.blockIds = NO_BLOCKS;
    this.decodeBlockTable = NO_BLOCKS;
  }

  get isPrefilling(): boolean {
    return this.status === 'prefilling';
  }

  get isDecoding(): boolean {
    return this.status === 'decoding';
  }

  /** The sequences that join the decode batch when its prefill ends: itself and its live pending copies. */
  get numJoiningSequences(): number {
    let count = 1;
    for (const copy of this.pendingForks) if (copy.status !== 'finished') count += 1;
    return count;
  }

  get outputTokenIds(): readonly number[] {
    // A plain loop: Array.from over a typed array takes the slow iterator path.
    const outputs = new Array<number>(this.numTokens - this.numPromptTokens);
    for (let index = 0; index < outputs.length; index++) outputs[index] = this.tokenIds[this.numPromptTokens + index]!;
    return outputs;
  }
}
