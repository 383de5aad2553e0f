import { inject, injectable } from 'inversify';
import { Clock } from '../contracts/clock.js';
import { EngineConfig } from '../contracts/config.js';
import type { RequestId } from '../contracts/ids.js';
import { EngineError } from '../contracts/errors.js';
import type { FinishReason, GenerationRequest, SamplingParams } from '../contracts/requests.js';
import type { SampledToken, StepPlan, StepResult } from '../contracts/stepPlan.js';
import type { StepTraceLine } from '../contracts/trace.js';
import type { EngineCoreStats } from '../contracts/engineStats.js';
import { KvCacheManager } from '../kv/kvCacheManager.js';
import { SchedulerRequest, type RequestLimits } from '../scheduler/schedulerRequest.js';
import { SpyreScheduler } from '../scheduler/spyreScheduler.js';
import { assertWithinBatchTkvLimit } from './batchTkvGuard.js';
import { validateGenerationRequest, type AddRequestOptions } from './requestValidation.js';
import { buildStepTraceLine } from './stepTrace.js';

export type { EngineCoreStats } from '../contracts/engineStats.js';

const NO_SAMPLING: SamplingParams = {};

/** The scheduler's record of a request (or of one of its copies, with its own id and sampling). */
function schedulerRequestOf(request: GenerationRequest, requestId: RequestId, sampling: SamplingParams | undefined, limits: RequestLimits, arrivalTimeS: number): SchedulerRequest {
  return new SchedulerRequest(requestId, request.promptTokenIds, limits, sampling ?? NO_SAMPLING, request.cacheSalt, arrivalTimeS);
}

/** A request that ended in a step, with why. `error` is set when it failed rather than finished. */
export interface EndedRequest {
  readonly requestId: RequestId;
  readonly reason: FinishReason;
  /** The stop token of `stop_token_ids` that ended it (vLLM's `stop_reason`); absent for EOS, length or an abort. */
  readonly stopTokenId?: number;
  readonly outputTokenIds: readonly number[];
  readonly numPromptTokens: number;
  readonly error?: string;
}

/** Everything one executed step changed. */
export interface StepReport {
  readonly plan: StepPlan | undefined;
  readonly produced: readonly SampledToken[];
  readonly ended: readonly EndedRequest[];
  /** The SPEC §8 trace line, when tracing is on (`setTracing(true)`): building it costs more than the step. */
  readonly trace: StepTraceLine | undefined;
}


/**
 * The synchronous engine core: requests in, one step at a time. A driver calls `beginStep()`, has the plan
 * executed by a backend (at once, after a virtual delay, or on a device) and hands the answer to
 * `finishStep()`. Aborts and stop-string finishes that arrive while a step is in flight are applied when it
 * ends, so the scheduler never sees a half-finished step.
 */
@injectable()
export class EngineCore {
  private stepCount = 0;
  private tracing = false;
  private stepInFlight = false;
  private inFlightPlan: StepPlan | undefined;
  private readonly deferredEnds = new Map<RequestId, FinishReason>();

  constructor(
    @inject(EngineConfig) private readonly config: EngineConfig,
    @inject(SpyreScheduler) private readonly scheduler: SpyreScheduler,
    @inject(KvCacheManager) private readonly kv: KvCacheManager,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  /** Turns the per-step trace of SPEC §8 on or off (off by default: servers do not need it). */
  setTracing(enabled: boolean): void {
    this.tracing = enabled;
  }

  /**
   * Validates and queues a request; throws EngineError('invalid_request') with the reason. Its `forks`
   * (parallel sampling) are queued with it: its prefill runs once and forks them at its last chunk.
   */
  addRequest(request: GenerationRequest, options: AddRequestOptions = {}): void {
    const limits = validateGenerationRequest(request, this.config, options);
    const arrivalTimeS = request.arrivalTimeS ?? this.clock.nowS();
    const scheduled = schedulerRequestOf(request, request.requestId, request.sampling, limits, arrivalTimeS);
    if (request.forks !== undefined && request.forks.length > 0) {
      const forks = request.forks.map((fork) => schedulerRequestOf(request, fork.requestId, fork.sampling, limits, arrivalTimeS));
      for (const copy of forks) copy.awaitingForkOf = scheduled;
      scheduled.pendingForks = forks;
    }
    this.scheduler.add(scheduled);
  }

  /** Aborts a request now, or at the end of the step in flight. Returns whether the request was known. */
  abortRequest(requestId: RequestId): boolean {
    return this.endRequest(requestId, 'abort');
  }

  /** Ends a request with `stop` (a stop string matched above the core). */
  stopRequest(requestId: RequestId): boolean {
    return this.endRequest(requestId, 'stop');
  }

  hasUnfinishedRequests(): boolean {
    return this.scheduler.hasUnfinishedRequests();
  }

  /** Plans the next step. Undefined means an idle step: nothing can run now. */
  beginStep(): StepPlan | undefined {
    if (this.stepInFlight) throw new EngineError('invariant_violated', 'beginStep() called while a step is in flight.');
    const plan = this.scheduler.schedule();
    if (plan !== undefined) assertWithinBatchTkvLimit(plan, this.config.maxBatchTkvLimit);
    this.stepInFlight = true;
    this.inFlightPlan = plan;
    return plan;
  }

  /** Applies the backend's answer to the step in flight and reports what changed. */
  finishStep(result: StepResult): StepReport {
    if (!this.stepInFlight) throw new EngineError('invariant_violated', 'finishStep() called without beginStep().');
    const plan = this.inFlightPlan;
    this.stepInFlight = false;
    this.inFlightPlan = undefined;
    const update = this.scheduler.update(result);
    const ended: EndedRequest[] = [];
    for (let index = 0; index < update.finished.length; index++) ended.push(this.ended(update.finished[index]!));
    for (const failure of update.failed) ended.push({ ...this.ended(failure.request), error: failure.message });
    if (this.deferredEnds.size > 0) ended.push(...this.applyDeferredEnds());
    this.stepCount += 1;
    const trace = this.tracing
      ? buildStepTraceLine(
          {
            step: this.stepCount,
            timeS: this.clock.nowS(),
            plan,
            outputs: update.producedBy.map((request) => request.id),
            finished: ended.map((request) => request.requestId),
          },
          this.scheduler,
          this.kv,
        )
      : undefined;
    return { plan, produced: update.produced, ended, trace };
  }

  stats(): EngineCoreStats {
    return {
      numWaiting: this.scheduler.numWaiting,
      numRunning: this.scheduler.runningRequests().length,
      kvCacheUsage: this.kv.usage(),
      prefixCacheQueriedTokens: this.kv.prefixCacheQueriedTokens,
      prefixCacheHitTokens: this.kv.prefixCacheHitTokens,
      numPreemptions: this.scheduler.numPreemptions,
    };
  }

  /** Clears the prefix cache; false while any block is in use. */
  resetPrefixCache(): boolean {
    return this.kv.resetPrefixCache();
  }

  private endRequest(requestId: RequestId, reason: FinishReason): boolean {
    const request = this.scheduler.get(requestId);
    if (request === undefined || request.status === 'finished') return false;
    if (this.stepInFlight) {
      if (!this.deferredEnds.has(requestId)) this.deferredEnds.set(requestId, reason);
      return true;
    }
    this.scheduler.release(this.scheduler.finish(request, reason));
    return true;
  }

  private applyDeferredEnds(): EndedRequest[] {
    const ended: EndedRequest[] = [];
    for (const [requestId, reason] of this.deferredEnds) {
      const request = this.scheduler.get(requestId);
      if (request === undefined || request.status === 'finished') continue;
      const endedNow = this.scheduler.finish(request, reason);
      this.scheduler.release(endedNow);
      for (const each of endedNow) ended.push(this.ended(each));
    }
    this.deferredEnds.clear();
    return ended;
  }

  private ended(request: SchedulerRequest): EndedRequest {
    const reason = request.finishReason ?? 'abort';
    if (request.stopTokenId !== undefined && request.finishReason === 'stop') {
      return { requestId: request.id, reason, stopTokenId: request.stopTokenId, outputTokenIds: request.outputTokenIds, numPromptTokens: request.numPromptTokens };
    }
    return { requestId: request.id, reason, outputTokenIds: request.outputTokenIds, numPromptTokens: request.numPromptTokens };
  }
}
