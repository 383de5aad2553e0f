import type { RequestId } from '../contracts/ids.js';
import type { FinishReason } from '../contracts/requests.js';
import type { DecodeBatchPlan, PrefillChunkPlan, SampledToken, StepPlan, StepResult } from '../contracts/stepPlan.js';
import { EngineError } from '../contracts/errors.js';
import type { KvCacheManager, PrefixHit } from '../kv/kvCacheManager.js';
import { fitsAfterRealignment, withinVolumetricLimit, type DecodingRequestView } from './admissionChecks.js';
import { blocksForNextToken, tkvAfterJoin } from './batchTkv.js';
import { buildDecodeBatchPlan } from './decodeBatchPlan.js';
import { buildPrefillChunkPlan } from './prefillChunkPlan.js';
import { chunkIndexFor, countWithoutLeftPadding, prefillGeometry, usablePrefixBlocks } from './prefillGeometry.js';
import type { SchedulerLimits } from './schedulerLimits.js';
import type { SchedulerRequest } from './schedulerRequest.js';
import { finishReasonAfterToken } from './stopRules.js';

/** A token a request produced in a step. */
export interface ProducedToken {
  readonly request: SchedulerRequest;
  readonly token: SampledToken;
}

/** What a step changed, in scheduling order. */
export interface StepUpdate {
  readonly produced: readonly ProducedToken[];
  readonly finished: readonly SchedulerRequest[];
  readonly failed: readonly { readonly request: SchedulerRequest; readonly message: string }[];
}

interface PrefillCandidate {
  readonly request: SchedulerRequest;
  /** For a request not scheduled yet: its prefix-cache hit, looked up this step. */
  readonly newHit: PrefixHit | undefined;
}

/**
 * The Spyre chunked-prefill scheduler (SPEC §2): each step is one prefill chunk of one request or one decode
 * of every decoding request. `schedule()` → (the device runs the plan) → `update(result)`; only plain data
 * crosses to the device.
 *
 * The property tests are in test/property/scheduler.property.test.ts:
 * @invariant at most one prefill chunk per step, never mixed — by the StepPlan type, and checked there
 * @invariant with interleaving, never two prefill steps in a row while a request decodes — "should keep every invariant…"
 * @invariant no idle step while a request could decode (unless it preempted itself) — same test
 * @invariant batch·tkv of every decode step is within VLLM_DT_MAX_BATCH_TKV_LIMIT — the runner-side guard throws inside those runs
 * @invariant every accepted request ends; with ignore_eos it yields exactly max_tokens tokens — "should end every accepted request…"
 */
export class SpyreScheduler {
  private waiting: SchedulerRequest[] = [];
  private running: SchedulerRequest[] = [];
  private readonly requests = new Map<RequestId, SchedulerRequest>();
  private tkv = 0;
  private previousStepWasPrefill = false;
  private planned: { plan: StepPlan | undefined; scheduled: readonly SchedulerRequest[] } | undefined;
  private preemptions = 0;
  /** Requests ended while still in the waiting queue, not yet removed from it. */
  private numEndedWhileWaiting = 0;
  private numAdded = 0;

  constructor(
    private readonly kv: KvCacheManager,
    readonly limits: SchedulerLimits,
  ) {}

  add(request: SchedulerRequest): void {
    if (this.requests.has(request.id)) {
      throw new EngineError('invalid_request', `A request with id '${request.id}' is already in the engine; request ids must be unique.`);
    }
    request.arrivalIndex = this.numAdded++;
    this.requests.set(request.id, request);
    this.waiting.push(request);
  }

  get(requestId: RequestId): SchedulerRequest | undefined {
    return this.requests.get(requestId);
  }

  /** Plans the next step; undefined when nothing can run (an idle step). */
  schedule(): StepPlan | undefined {
    this.assertNoStepInFlight('schedule');
    const candidate = this.prefillCandidate();
    const prefill = candidate === undefined ? undefined : this.planPrefill(candidate);
    if (prefill !== undefined) return prefill;
    const preemptionsBefore = this.preemptions;
    const decode = this.running.some((request) => request.isDecoding) ? this.planDecode() : undefined;
    if (decode !== undefined) return decode;
    // Preemption may have emptied the decode batch and freed the blocks a prefill was waiting for.
    const retry = this.preemptions > preemptionsBefore ? this.prefillCandidate() : undefined;
    const retried = retry === undefined ? undefined : this.planPrefill(retry);
    if (retried === undefined) this.planned = { plan: undefined, scheduled: [] };
    return retried;
  }

  /** Applies the device's answer to the step planned last. */
  update(result: StepResult): StepUpdate {
    const planned = this.planned;
    if (planned === undefined) throw new EngineError('invariant_violated', 'update() called without a scheduled step.');
    this.planned = undefined;
    const failed = this.failRequests(result);
    const produced: ProducedToken[] = [];
    const finished: SchedulerRequest[] = [];
    const plan = planned.plan;
    if (plan === undefined) {
      this.tkv = 0;
      this.previousStepWasPrefill = false;
    } else if (plan.kind === 'prefill') {
      this.updateAfterPrefill(planned.scheduled[0]!, plan, result, produced, finished);
    } else {
      this.updateAfterDecode(planned.scheduled, plan, result, produced, finished);
    }
    this.reorderRunning(planned.scheduled);
    this.release([...finished, ...failed.map((failure) => failure.request)]);
    return { produced, finished, failed };
  }

  // ---- admission -------------------------------------------------------------------------------------

  private prefillCandidate(): PrefillCandidate | undefined {
    const ongoing = this.running.find((request) => request.isPrefilling);
    if (ongoing === undefined && this.waiting.length === 0) return undefined;
    const decoding = this.running.filter((request) => request.isDecoding);
    if (this.limits.interleaveSteps && this.previousStepWasPrefill && decoding.length > 0) return undefined;
    if (ongoing !== undefined) return this.mayContinue(ongoing, decoding) ? { request: ongoing, newHit: undefined } : undefined;
    const head = this.waiting[0];
    if (head === undefined) return undefined;
    const hit = this.kv.findPrefixHit(head.tokenIds, head.numPrefillTokens, head.cacheSalt);
    if (this.running.length === 0) return { request: head, newHit: hit };
    return this.mayStart(head, hit, decoding) ? { request: head, newHit: hit } : undefined;
  }

  private mayContinue(request: SchedulerRequest, decoding: readonly SchedulerRequest[]): boolean {
    if (!this.limits.interleaveSteps) return true;
    const isLastChunk = request.numPrefillTokens - request.numComputedTokens <= this.limits.chunkSize;
    return !isLastChunk || this.lastChunkAllowed(request, decoding);
  }

  private mayStart(request: SchedulerRequest, hit: PrefixHit, decoding: readonly SchedulerRequest[]): boolean {
    if (this.running.length >= this.limits.maxNumSeqs) return false;
    const isLastChunk = request.numPrefillTokens - hit.numTokens <= this.limits.chunkSize;
    if (this.limits.interleaveSteps && !isLastChunk) return true;
    return this.lastChunkAllowed(request, decoding);
  }

  private lastChunkAllowed(request: SchedulerRequest, decoding: readonly SchedulerRequest[]): boolean {
    const joining = { numPromptTokens: request.numPrefillTokens, numRemainingTokens: request.numRemainingTokens };
    const views: DecodingRequestView[] = decoding.map((other) => ({
      numComputedTokens: other.numComputedTokens,
      numBlocks: this.kv.numBlocksOf(other.id),
      numLeftTokens: other.numRemainingTokens + 1,
    }));
    const admissionLimits = { ...this.limits };
    return (
      fitsAfterRealignment(joining, views, 0, this.tkv, admissionLimits) &&
      withinVolumetricLimit(joining, views, this.tkv, admissionLimits)
    );
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
    const allocated = this.kv.tryAllocate(request.id, request.tokenIds, numComputedBefore + numNewTokens, newHit, request.cacheSalt);
    if (allocated === undefined) return undefined;
    if (newHit !== undefined) this.startPrefill(request, newHit, numUsableTokens);
    request.numScheduledTokens = numNewTokens;
    const plan = buildPrefillChunkPlan({
      requestId: request.id,
      sampling: request.sampling,
      geometry,
      chunkIndex: chunkIndexFor(geometry, numComputedBefore, blockSize),
      promptTokenIds: request.tokenIds,
      blockIds: this.kv.blocksOf(request.id),
      numPrefixHitBlocks: hit.blockIds.length,
      isLastChunk: numComputedBefore + numNewTokens === request.numPrefillTokens,
    });
    this.planned = { plan, scheduled: [request] };
    return plan;
  }

  private startPrefill(request: SchedulerRequest, hit: PrefixHit, numUsableTokens: number): void {
    // The candidate is always the head of the queue (FCFS).
    this.waiting.shift();
    this.running.push(request);
    request.status = 'prefilling';
    request.prefixHit = hit;
    request.numUsablePrefixTokens = numUsableTokens;
    request.numComputedTokens = hit.numTokens;
    this.kv.recordPrefixQuery(request.numPrefillTokens, numUsableTokens);
  }

  private planDecode(): DecodeBatchPlan | undefined {
    const scheduled: SchedulerRequest[] = [];
    for (const request of this.running.slice()) {
      // A request preempted earlier in this loop is back to 'waiting' and skipped here.
      if (request.isDecoding && this.reserveNextTokenSlot(request, scheduled)) scheduled.push(request);
    }
    if (scheduled.length === 0) return undefined;
    const plan = buildDecodeBatchPlan(scheduled, this.kv, this.limits.blockSize);
    this.planned = { plan, scheduled };
    return plan;
  }

  /**
   * Reserves a block for the request's next token when it needs one. When the pool is short, the newest
   * running request not yet scheduled in this step is preempted (FCFS priority, as vLLM), possibly the
   * request itself.
   */
  private reserveNextTokenSlot(request: SchedulerRequest, scheduled: readonly SchedulerRequest[]): boolean {
    const numBlocks = this.kv.numBlocksOf(request.id);
    if (blocksForNextToken(request.numComputedTokens, numBlocks, this.limits.blockSize) === numBlocks) return true;
    for (;;) {
      if (this.kv.tryAllocate(request.id, request.tokenIds, request.numComputedTokens + 1) !== undefined) return true;
      let victim = request;
      for (const other of this.running) {
        if (other.arrivalIndex > victim.arrivalIndex && !scheduled.includes(other)) victim = other;
      }
      this.preempt(victim);
      if (victim === request) return false;
    }
  }

  /** vLLM's recompute preemption: the request gives back its blocks and prefills all its tokens again later. */
  private preempt(request: SchedulerRequest): void {
    this.kv.free(request.id);
    this.running.splice(this.running.indexOf(request), 1);
    request.status = 'waiting';
    request.numComputedTokens = 0;
    request.numPrefillTokens = request.tokenIds.length;
    request.prefixHit = { blockIds: [], numTokens: 0 };
    request.numUsablePrefixTokens = 0;
    request.numPrefillStepsRun = 0;
    request.decodeBlockTable = [];
    this.waiting.unshift(request);
    this.preemptions += 1;
  }

  // ---- update ----------------------------------------------------------------------------------------

  private updateAfterPrefill(
    request: SchedulerRequest,
    plan: PrefillChunkPlan,
    result: StepResult,
    produced: ProducedToken[],
    finished: SchedulerRequest[],
  ): void {
    this.previousStepWasPrefill = true;
    if (request.status !== 'prefilling') return;
    const othersDecoding = this.running.some((other) => other !== request && other.isDecoding);
    const geometry = prefillGeometry(request.numPrefillTokens, this.limits.chunkSize, this.limits.blockSize);
    request.numComputedTokens += request.numScheduledTokens;
    request.numPrefillStepsRun += 1;
    if (!plan.isLastChunk) {
      // The first chunk it runs (chunk 0, or a later one when a prefix hit skips chunks) may start a batch.
      if (request.numPrefillStepsRun === 1 && !othersDecoding) this.tkv = request.numPrefillTokens;
      request.numComputedTokens = countWithoutLeftPadding(geometry, request.numComputedTokens, request.numUsablePrefixTokens);
      return;
    }
    this.tkv = othersDecoding ? tkvAfterJoin(request.numPrefillTokens, this.tkv, this.limits.blockSize) : request.numPrefillTokens;
    request.status = 'decoding';
    this.appendSampled(request, result, produced, finished);
  }

  private updateAfterDecode(
    scheduled: readonly SchedulerRequest[],
    plan: DecodeBatchPlan,
    result: StepResult,
    produced: ProducedToken[],
    finished: SchedulerRequest[],
  ): void {
    this.previousStepWasPrefill = false;
    this.tkv = plan.tkv;
    for (let index = 0; index < scheduled.length; index++) {
      const request = scheduled[index]!;
      if (request.status !== 'decoding') continue;
      request.numComputedTokens += 1;
      this.appendSampled(request, result, produced, finished, index);
    }
  }

  private appendSampled(
    request: SchedulerRequest,
    result: StepResult,
    produced: ProducedToken[],
    finished: SchedulerRequest[],
    rowIndex = 0,
  ): void {
    // Backends answer in row order; look further only when one does not.
    const inOrder = result.sampled[rowIndex];
    const token = inOrder?.requestId === request.id ? inOrder : result.sampled.find((sampled) => sampled.requestId === request.id);
    if (token === undefined) {
      throw new EngineError('backend_failed', `The backend returned no token for request '${request.id}' although the step sampled it.`);
    }
    request.tokenIds.push(token.tokenId);
    produced.push({ request, token });
    const reason = finishReasonAfterToken(request, token.tokenId);
    if (reason !== undefined) {
      this.finish(request, reason);
      finished.push(request);
    }
  }

  private failRequests(result: StepResult): { request: SchedulerRequest; message: string }[] {
    const failures: { request: SchedulerRequest; message: string }[] = [];
    for (const failure of result.failed ?? []) {
      const request = this.requests.get(failure.requestId);
      if (request === undefined || request.status === 'finished') continue;
      this.finish(request, 'abort');
      failures.push({ request, message: failure.message });
    }
    return failures;
  }

  /** Ends a request (called by the engine for stop strings too); its blocks go back at `release`. */
  finish(request: SchedulerRequest, reason: FinishReason): void {
    if (request.status === 'waiting') this.numEndedWhileWaiting += 1;
    request.status = 'finished';
    request.finishReason = reason;
  }

  /** Frees finished requests' blocks in the order given and forgets them. */
  release(requests: readonly SchedulerRequest[]): void {
    if (requests.length === 0) return;
    for (const request of requests) {
      if (!this.requests.has(request.id)) continue;
      this.kv.free(request.id);
      this.requests.delete(request.id);
    }
    this.running = this.running.filter((request) => request.status !== 'finished');
    // Only an abort ends a waiting request; finishing ones are running, so the (possibly long) waiting
    // queue is rebuilt only when it holds an ended request.
    if (this.numEndedWhileWaiting > 0) {
      this.waiting = this.waiting.filter((request) => request.status !== 'finished');
      this.numEndedWhileWaiting = 0;
    }
  }

  /** Scheduled requests first, in scheduling order, then the held-back ones in their previous order. */
  private reorderRunning(scheduled: readonly SchedulerRequest[]): void {
    // Preemption takes victims from the tail, so every scheduled request is still running here.
    if (scheduled.length === this.running.length) {
      this.running = scheduled.slice();
      return;
    }
    const scheduledSet = new Set(scheduled);
    this.running = [...scheduled, ...this.running.filter((request) => !scheduledSet.has(request))];
  }

  private assertNoStepInFlight(operation: string): void {
    if (this.planned !== undefined) {
      throw new EngineError('invariant_violated', `${operation}() called while a step is in flight; call update() first.`);
    }
  }

  // ---- views -----------------------------------------------------------------------------------------

  get currentTkv(): number {
    return this.tkv;
  }

  get numPreemptions(): number {
    return this.preemptions;
  }

  waitingRequests(): readonly SchedulerRequest[] {
    return this.waiting;
  }

  runningRequests(): readonly SchedulerRequest[] {
    return this.running;
  }

  hasUnfinishedRequests(): boolean {
    return this.requests.size > 0;
  }
}
