import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineCoreStats } from '../../core/contracts/engineStats.js';
import type { FinishedRequestTimings, MetricsRecorder } from '../../core/metrics/metricsRecorder.js';

/** The file name vLLM-Spyre's perf logger writes in VLLM_SPYRE_PERF_METRIC_LOGGING_DIR. */
export const PERF_LOG_FILE = 'request_metrics.jsonl';

/**
 * SPEC §4's per-request JSONL log (VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED=1): one line per finished
 * request. Lines are appended synchronously: one short write per request, far below a step's cost.
 */
export class PerfMetricLog implements MetricsRecorder {
  readonly path: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, PERF_LOG_FILE);
  }

  recordStep(_numScheduledTokens: number, _stats: EngineCoreStats): void {}

  recordTokens(_count: number, _latencyS: number, _isFirst: boolean): void {}

  recordFinished(timings: FinishedRequestTimings): void {
    const line = {
      timestamp: new Date().toISOString(),
      request_id: timings.requestId,
      finish_reason: timings.finishReason,
      prompt_tokens: timings.numPromptTokens,
      generation_tokens: timings.numGenerationTokens,
      e2e_seconds: timings.e2eS,
      queued_seconds: timings.queuedS ?? null,
      prefill_seconds: timings.prefillS ?? null,
      decode_seconds: timings.decodeS ?? null,
      time_per_output_token_seconds: timings.timePerOutputTokenS ?? null,
      prefill_interrupt_seconds: timings.prefillInterruptS,
      decode_only_itl_seconds: timings.decodeOnlyItlS ?? null,
    };
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}
