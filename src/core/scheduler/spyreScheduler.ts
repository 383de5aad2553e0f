import type { RequestId } from '../contracts/ids.js';
import type { FinishReason } from '../contracts/requests.js';
import type { BlockCopy, DecodeBatchPlan, PrefillChunkPlan, StepPlan, StepResult } from '../contracts/stepPlan.js';
import { EngineError } from '../contracts/errors.js';
import type { KvCacheManager, PrefixHit } from '../kv/kvCacheManager.js';
import { failRequests, Produced, updateAfterDecode, updateAfterPrefill, type StepUpdate } from './applyStepResult.js';
import { buildDecodeBatchPlan } from './decodeBatchPlan.js';
import { prefillCandidate, type PrefillCandidate } from './prefillAdmission.js';
import { buildPrefillChunkPlan, ChunkTokenBuffer } from './prefillChunkPlan.js';
import { chunkIndexFor, prefillGeometry, usablePrefixBlocks } from './prefillGeometry.js';
import { reserveNextTokenSlot } from './preemption.js';
import type { SchedulerLimits } from './schedulerLimits.js';
import type { SchedulerRequest } from './schedulerRequest.js';
import { emptySchedulerState, finishRequest } from './schedulerState.js';

export type { StepUpdate } from './applyStepResult.js';

const NO_REQUESTS: readonly SchedulerRequest[] = [];

function anyDecoding(requests: readonly SchedulerRequest[]): boolean {
  for (let index = 0; index < requests.length; index++) if (requests[index]!.isDecoding) return true;
  return false;
}

function withoutFinished(requests: readonly SchedulerRequest[]): SchedulerRequest[] {
  const kept: SchedulerRequest[] = [];
  for (let index = 0; index < requests.length; index++) if (requests[index]!.status !== 'finished') kept.push(requests[index]!);
  return kept;
}

function duplicateId(requestId: RequestId): EngineError {
  return new EngineError('invalid_request', `A request with id '${requestId}' is already in the engine; request ids must be unique.`);
}

/**
 * The Spyre chunked-prefill scheduler (SPEC §2): each step is one prefill chunk of one request or one decode
 * of every decoding request. `schedule()` → (the device runs the plan) → `update(result)`; only plain data
 * crosses to the device. Which prefill may run is prefillAdmission.ts, preemption preemption.ts, applying
 * the device's answer applyStepResult.ts, the first-chunk correction prefillGeometry.ts.
 *
 * The property tests are in test/property/scheduler.property.test.ts:
 * @invariant at most one prefill chunk per step, never mixed — by the StepPlan type, and checked there
 * @invariant with interleaving, never two prefill steps in a row while a request decodes — "should keep every invariant…"
 * @invariant no idle step while a request could decode (unless it preempted itself) — same test
 * @invariant batch·tkv of every decode step is within VLLM_DT_MAX_BATCH_TKV_LIMIT — the runner-side guard throws inside those runs
 * @invariant every accepted request ends; with ignore_eos it yields exactly max_tokens tokens — "should end every accepted request…"
 */
export class SpyreScheduler {
  private readonly state = emptySchedulerState();
  private planned: { plan: StepPlan | undefined; scheduled: readonly SchedulerRequest[] } | undefined;
  private numAdded = 0;
  /** The slot tokens of every prefill chunk plan, rewritten by the next (the plan's contract: valid until update). */
  private readonly chunkTokens: ChunkTokenBuffer;

  constructor(
    private readonly kv: KvCacheManager,
    readonly limits: SchedulerLimits,
  ) {
    this.chunkTokens = new ChunkTokenBuffer(limits.chunkSize);
  }

  /** Queues a request; its copies (parallel sampling) wait outside the queues until its prefill forks them. */
  add(request: SchedulerRequest): void {
    if (request.pendingForks.length === 0) {
      if (this.state.requests.has(request.id)) throw duplicateId(request.id);
      request.arrivalIndex = this.numAdded++;
      this.state.requests.set(request.id, request);
      this.state.waiting.push(request);
      return;
    }
    const all = [request, ...request.pendingForks];
    for (const each of all) {
      if (this.state.requests.has(each.id) || all.filter((other) => other.id === each.id).length > 1) {
        throw duplicateId(each.id);
      }
    }
    for (const each of all) {
      each.arrivalIndex = this.numAdded++;
      this.state.requests.set(each.id, each);
    }
    this.state.waiting.push(request);
  }

  get(requestId: RequestId): SchedulerRequest | undefined {
    return this.state.requests.get(requestId);
  }

  /** Plans the next step; undefined when nothing can run (an idle step). */
  schedule(): StepPlan | undefined {
    this.assertNoStepInFlight('schedule');
    const candidate = prefillCandidate(this.state, this.kv, this.limits);
    const prefill = candidate === undefined ? undefined : this.planPrefill(candidate);
    if (prefill !== undefined) return prefill;
    const preemptionsBefore = this.state.preemptions;
    const decode = anyDecoding(this.state.running) ? this.planDecode() : undefined;
    if (decode !== undefined) return decode;
    // Preemption may have emptied the decode batch and freed the blocks a prefill was waiting for.
    const retry = this.state.preemptions > preemptionsBefore ? prefillCandidate(this.state, this.kv, this.limits) : undefined;
    const retried = retry === undefined ? undefined : this.planPrefill(retry);
    if (retried === undefined) this.planned = { plan: undefined, scheduled: [] };
    return retried;
  }

  /** Applies the device's answer to the step planned last. */
  update(result: StepResult): StepUpdate {
    const planned = this.planned;
    if (planned === undefined) throw new EngineError('invariant_violated', 'update() called without a scheduled step.');
    this.planned = undefined;
    const failed = failRequests(this.state, result);
    const produced = new Produced(planned.plan === undefined ? 0 : planned.scheduled.length);
    const finished: SchedulerRequest[] = [];
    const plan = planned.plan;
    if (plan === undefined) {
      this.state.tkv = 0;
      this.state.previousStepWasPrefill = false;
    } else if (plan.kind === 'prefill') {
      updateAfterPrefill(this.state, this.limits, planned.scheduled, plan, result, produced, finished);
    } else {
      updateAfterDecode(this.state, planned.scheduled, plan, result, produced, finished);
    }
    this.reorderRunning(planned.scheduled);
    if (failed.length === 0) this.release(finished);
    else this.release([...finished, ...failed.map((failure) => failure.request)]);
    produced.close();
    return { produced: produced.tokens, producedBy: produced.by, finished, failed };
  }

  // ---- planning --------------------------------------------------------------------------------------

  private planPrefill({ request, newHit }: PrefillCandidate): PrefillChunkPlan | undefined {
    const { chunkSize, blockSize } = this.limits;
    const geometry = prefillGeometry(request.numPrefillTokens, chunkSize, blockSize);
    const hit = newHit ?? request.prefixHit;
    const numUsableTokens = newHit === undefined ? request.numUsablePrefixTokens : usablePrefixBlocks(geometry, hit.blockIds.length) * blockSize;
    // A padding-unaware count starts at the whole hit; the correction after this step brings it back (SPEC §2.3).
    const numComputedBefore = newHit === undefined ? request.numComputedTokens : hit.numTokens;
    const numNewTokens = Math.min(chunkSize, request.numPrefillTokens - numComputedBefore);
    const isLastChunk = numComputedBefore + numNewTokens === request.numPrefillTokens;
    const forks = isLastChunk && request.pendingForks.length > 0 ? request.pendingForks.filter((copy) => copy.status !== 'finished') : NO_REQUESTS;
    // Each copy takes a block of its own for the prompt's partially filled last block.
    const numSpareBlocks = request.numPrefillTokens % blockSize === 0 ? 0 : forks.length;
    const allocated = this.kv.tryAllocate(request.id, request.tokenView(), numComputedBefore + numNewTokens, newHit, request.cacheSalt, numSpareBlocks);
    if (allocated === undefined) return undefined;
    request.blockIds = this.kv.blocksOf(request.id);
    if (newHit !== undefined) this.startPrefill(request, newHit, numUsableTokens);
    request.numScheduledTokens = numNewTokens;
    const blockCopies = forks.length > 0 ? this.forkCopies(request, forks) : [];
    const chunk = buildPrefillChunkPlan({
      requestId: request.id,
      sampling: request.sampling,
      geometry,
      chunkIndex: chunkIndexFor(geometry, numComputedBefore, blockSize),
      promptTokenIds: request.tokenIds,
      blockIds: request.blockIds,
      numPrefixHitBlocks: hit.blockIds.length,
      isLastChunk,
      tokenBuffer: this.chunkTokens,
    });
    const plan: PrefillChunkPlan =
      forks.length === 0
        ? chunk
        : { ...chunk, forks: forks.map((copy) => ({ requestId: copy.id, sampling: copy.sampling })), ...(blockCopies.length > 0 ? { blockCopies } : {}) };
    this.planned = { plan, scheduled: forks.length === 0 ? [request] : [request, ...forks] };
    return plan;
  }

  /**
   * Parallel sampling: the copies take the prompt's full blocks (shared, reference counted) and a block of
   * their own for its partially filled last block, which the device copies after this chunk. They run
   * from now on, right after the request; they decode once the chunk has sampled their first tokens.
   */
  private forkCopies(request: SchedulerRequest, forks: readonly SchedulerRequest[]): BlockCopy[] {
    const blockCopies: BlockCopy[] = [];
    for (const copy of forks) {
      const blockCopy = this.kv.fork(request.id, copy.id, request.numPrefillTokens);
      copy.blockIds = this.kv.blocksOf(copy.id);
      if (blockCopy !== undefined) blockCopies.push(blockCopy);
    }
    const after = this.state.running.indexOf(request) + 1;
    this.state.running.splice(after, 0, ...forks);
    return blockCopies;
  }

  private startPrefill(request: SchedulerRequest, hit: PrefixHit, numUsableTokens: number): void {
    // The candidate is always the head of the queue (FCFS).
    this.state.waiting.shift();
    this.state.running.push(request);
    request.status = 'prefilling';
    request.prefixHit = hit;
    request.numUsablePrefixTokens = numUsableTokens;
    request.numComputedTokens = hit.numTokens;
    this.kv.recordPrefixQuery(request.numPrefillTokens, numUsableTokens);
  }

  private planDecode(): DecodeBatchPlan | undefined {
    // Preemption splices `state.running`; walk what it held when the step began.
    const candidates = this.state.running.slice();
    const scheduled = new Array<SchedulerRequest>(candidates.length);
    let numScheduled = 0;
    for (let index = 0; index < candidates.length; index++) {
      const request = candidates[index]!;
      // A request preempted earlier in this loop is back to 'waiting' and skipped here.
      if (request.isDecoding && reserveNextTokenSlot(this.state, this.kv, this.limits.blockSize, request, scheduled, numScheduled)) scheduled[numScheduled++] = request;
    }
    if (numScheduled < scheduled.length) scheduled.length = numScheduled;
    if (scheduled.length === 0) return undefined;
    const plan = buildDecodeBatchPlan(scheduled, this.limits.blockSize);
    this.planned = { plan, scheduled };
    return plan;
  }

  // ---- ending ----------------------------------------------------------------------------------------

  /**
   * Ends a request (called by the engine for stop strings too); its blocks go back at `release`. Returns
   * every request it ended: the request, and its copies when it ends before its prefill forked them.
   */
  finish(request: SchedulerRequest, reason: FinishReason): SchedulerRequest[] {
    return finishRequest(this.state, request, reason);
  }

  /** Frees finished requests' blocks in the order given and forgets them. */
  release(requests: readonly SchedulerRequest[]): void {
    if (requests.length === 0) return;
    const state = this.state;
    for (const request of requests) {
      if (!state.requests.has(request.id)) continue;
      this.kv.free(request.id);
      request.dropBlocks();
      state.requests.delete(request.id);
    }
    state.running = withoutFinished(state.running);
    // Only an abort ends a waiting request; finishing ones are running, so the (possibly long) waiting
    // queue is rebuilt only when it holds an ended request.
    if (state.numEndedWhileWaiting > 0) {
      state.waiting.retain((request) => request.status !== 'finished');
      state.numEndedWhileWaiting = 0;
    }
  }

  /** Scheduled requests first, in scheduling order, then the held-back ones in their previous order. */
  private reorderRunning(scheduled: readonly SchedulerRequest[]): void {
    // Preemption takes victims from the tail, so every scheduled request is still running here.
    if (scheduled.length === this.state.running.length) {
      // The plan's own list, made only for this step: it becomes the running list as it is.
      this.state.running = scheduled as SchedulerRequest[];
      return;
    }
    const scheduledSet = new Set(scheduled);
    this.state.running = [...scheduled, ...this.state.running.filter((request) => !scheduledSet.has(request))];
  }

  private assertNoStepInFlight(operation: string): void {
    if (this.planned !== undefined) {
      throw new EngineError('invariant_violated', `${operation}() called while a step is in flight; call update() first.`);
    }
  }

  // ---- views -----------------------------------------------------------------------------------------

  get currentTkv(): number {
    return this.state.tkv;
  }

  get numPreemptions(): number {
    return this.state.preemptions;
  }

  /** The waiting queue front to back (a copy: O(queue length)). */
  waitingRequests(): readonly SchedulerRequest[] {
    return this.state.waiting.toArray();
  }

  get numWaiting(): number {
    return this.state.waiting.length;
  }

  runningRequests(): readonly SchedulerRequest[] {
    return this.state.running;
  }

  hasUnfinishedRequests(): boolean {
    return this.state.requests.size > 0;
  }
}
