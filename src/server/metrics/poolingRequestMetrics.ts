import type { Clock } from '../../core/contracts/clock.js';
import type { EngineCoreStats } from '../../core/contracts/engineStats.js';
import type { FinishReason } from '../../core/contracts/requests.js';
import type { MetricsRecorder } from '../../core/metrics/metricsRecorder.js';
import type { PrometheusRecorder } from './prometheusRecorder.js';

/** One pooling call in flight: its inputs, each an engine request of its own (as vLLM counts them). */
export interface PoolingCallTicket {
  readonly requestId: string;
  readonly arrivalS: number;
  readonly numInputs: number;
}

/**
 * The serving metrics of a pooling model. Every input of a call is one request, as in vLLM: it counts
 * in `vllm:request_success_total{finished_reason="stop"}` (or `abort` when its client left), in the e2e
 * latency and prompt-token histograms and in `vllm:prompt_tokens_total`. The PoolingEngine does not
 * expose its queue, so `vllm:num_requests_running` counts every input in flight (queued or in the
 * running batch) and `vllm:num_requests_waiting` stays 0; queue and prefill times are not measured.
 * A refused call (400) counts nowhere.
 */
export class PoolingRequestMetrics {
  private numUnfinishedInputs = 0;

  constructor(
    private readonly prometheus: PrometheusRecorder,
    private readonly recorders: readonly MetricsRecorder[],
    private readonly clock: Clock,
  ) {}

  get numUnfinishedRequests(): number {
    return this.numUnfinishedInputs;
  }

  /** The gauges' view of the engine; nothing else applies to static batching without a KV cache. */
  stats(): EngineCoreStats {
    return { numWaiting: 0, numRunning: this.numUnfinishedInputs, kvCacheUsage: 0, prefixCacheQueriedTokens: 0, prefixCacheHitTokens: 0, numPreemptions: 0 };
  }

  onArrival(requestId: string, numInputs: number): PoolingCallTicket {
    this.numUnfinishedInputs += numInputs;
    this.refreshGauges();
    return { requestId, arrivalS: this.clock.nowS(), numInputs };
  }

  /** The call answered: one finished request per input, with its prompt tokens. */
  onAnswered(ticket: PoolingCallTicket, promptTokens: readonly number[]): void {
    this.finish(ticket, 'stop', promptTokens);
  }

  /** The call failed (refused, engine error) or its client left: `abort` for a departed client. */
  onFailed(ticket: PoolingCallTicket, clientGone: boolean): void {
    if (clientGone) this.finish(ticket, 'abort', Array.from({ length: ticket.numInputs }, () => 0));
    else this.release(ticket);
  }

  private finish(ticket: PoolingCallTicket, finishReason: FinishReason, promptTokens: readonly number[]): void {
    const e2eS = this.clock.nowS() - ticket.arrivalS;
    this.numUnfinishedInputs -= ticket.numInputs;
    promptTokens.forEach((numPromptTokens, index) => {
      const timings = {
        requestId: `${ticket.requestId}-${index}`, finishReason, numPromptTokens, numGenerationTokens: 0, e2eS,
        queuedS: undefined, prefillS: undefined, decodeS: undefined, timePerOutputTokenS: undefined, prefillInterruptS: 0, decodeOnlyItlS: undefined,
      };
      for (const recorder of this.recorders) recorder.recordFinished(timings);
      if (finishReason === 'stop') this.prometheus.recordPromptTokens(numPromptTokens);
    });
    this.refreshGauges();
  }

  private release(ticket: PoolingCallTicket): void {
    this.numUnfinishedInputs -= ticket.numInputs;
    this.refreshGauges();
  }

  private refreshGauges(): void {
    const stats = this.stats();
    for (const recorder of this.recorders) recorder.recordState?.(stats);
  }
}
