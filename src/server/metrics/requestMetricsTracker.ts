import type { Clock } from '../../core/contracts/clock.js';
import type { FinishReason } from '../../core/contracts/requests.js';
import type { StepReport } from '../../core/engine/engineCore.js';
import type { GenerationOutput } from '../../core/engine/generationTypes.js';
import type { EngineCoreStats } from '../../core/contracts/engineStats.js';
import type { FinishedRequestTimings, MetricsRecorder } from '../../core/metrics/metricsRecorder.js';

interface RequestState {
  readonly arrivalS: number;
  readonly numPromptTokens: number;
  scheduledS: number | undefined;
  firstTokenS: number | undefined;
  lastTokenS: number | undefined;
  numTokens: number;
  prefillInterruptS: number;
}

/**
 * Measures each served request from three sources: its arrival (the server), the engine's step reports
 * (when its first chunk ran, which prefill steps stalled it) and the outputs its client receives (token
 * times). Emits the per-step and per-request figures to the recorders. A step's start is the end of the
 * previous one, or the first arrival after the engine went idle (the engine loop does not report starts).
 */
export class RequestMetricsTracker {
  private readonly requests = new Map<string, RequestState>();
  private lastStepEndS: number;
  private busy = false;
  private idleArrivalS: number | undefined;

  constructor(
    private readonly recorders: readonly MetricsRecorder[],
    private readonly clock: Clock,
    private readonly stats: () => EngineCoreStats,
  ) {
    this.lastStepEndS = clock.nowS();
  }

  onArrival(requestId: string, numPromptTokens: number): void {
    const nowS = this.clock.nowS();
    this.requests.set(requestId, { arrivalS: nowS, numPromptTokens, scheduledS: undefined, firstTokenS: undefined, lastTokenS: undefined, numTokens: 0, prefillInterruptS: 0 });
    if (!this.busy && this.idleArrivalS === undefined) this.idleArrivalS = nowS;
  }

  /** Every output the client receives; the final one ends the request. */
  onOutput(requestId: string, output: GenerationOutput): void {
    if (output.kind === 'final') {
      this.finish(requestId, output.finishReason, output.usage.completionTokens);
      return;
    }
    const state = this.requests.get(requestId);
    if (state === undefined || output.tokenIds.length === 0) return;
    const nowS = this.clock.nowS();
    const isFirst = state.firstTokenS === undefined;
    const latencyS = isFirst ? nowS - state.arrivalS : nowS - (state.lastTokenS ?? nowS);
    if (isFirst) state.firstTokenS = nowS;
    state.lastTokenS = nowS;
    state.numTokens += output.tokenIds.length;
    for (const recorder of this.recorders) recorder.recordTokens(output.tokenIds.length, latencyS, isFirst);
  }

  /** The client left before the final output: the request was aborted. */
  onAbandoned(requestId: string): void {
    const state = this.requests.get(requestId);
    if (state !== undefined) this.finish(requestId, 'abort', state.numTokens);
  }

  /** The LlmEngine step listener. */
  onStep(report: StepReport): void {
    const nowS = this.clock.nowS();
    const stepStartS = this.busy ? this.lastStepEndS : Math.min(nowS, this.idleArrivalS ?? this.lastStepEndS);
    const plan = report.plan;
    let numScheduledTokens = 0;
    if (plan?.kind === 'prefill') {
      numScheduledTokens = plan.endValidSlot - plan.firstValidSlot;
      const prefilling = this.requests.get(plan.requestId);
      if (prefilling !== undefined && prefilling.scheduledS === undefined) prefilling.scheduledS = Math.max(stepStartS, prefilling.arrivalS);
      for (const [requestId, state] of this.requests) {
        if (requestId !== plan.requestId && state.firstTokenS !== undefined) state.prefillInterruptS += nowS - stepStartS;
      }
    } else if (plan?.kind === 'decode') {
      numScheduledTokens = plan.rows.length;
    }
    const stats = this.stats();
    for (const recorder of this.recorders) recorder.recordStep(numScheduledTokens, stats);
    this.lastStepEndS = nowS;
    this.busy = stats.numWaiting + stats.numRunning > 0;
    this.idleArrivalS = undefined;
  }

  get numTrackedRequests(): number {
    return this.requests.size;
  }

  private finish(requestId: string, finishReason: FinishReason, numGenerationTokens: number): void {
    const state = this.requests.get(requestId);
    if (state === undefined) return;
    this.requests.delete(requestId);
    const nowS = this.clock.nowS();
    const decodeS = state.firstTokenS !== undefined ? nowS - state.firstTokenS : undefined;
    const timings: FinishedRequestTimings = {
      requestId,
      finishReason,
      numPromptTokens: state.numPromptTokens,
      numGenerationTokens,
      e2eS: nowS - state.arrivalS,
      queuedS: state.scheduledS !== undefined ? state.scheduledS - state.arrivalS : undefined,
      prefillS: state.firstTokenS !== undefined && state.scheduledS !== undefined ? state.firstTokenS - state.scheduledS : undefined,
      decodeS,
      timePerOutputTokenS: decodeS !== undefined && numGenerationTokens > 1 ? decodeS / (numGenerationTokens - 1) : undefined,
      prefillInterruptS: state.prefillInterruptS,
      decodeOnlyItlS: decodeS !== undefined && numGenerationTokens > 1 ? Math.max(0, decodeS - state.prefillInterruptS) / (numGenerationTokens - 1) : undefined,
    };
    const stats = this.stats();
    for (const recorder of this.recorders) {
      recorder.recordFinished(timings);
      recorder.recordState?.(stats);
    }
  }
}
