import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineCoreStats } from '../../core/contracts/engineStats.js';
import type { FinishedRequestTimings, MetricsRecorder } from '../../core/metrics/metricsRecorder.js';

/** The file name vLLM-Spyre's perf logger writes in VLLM_SPYRE_PERF_METRIC_LOGGING_DIR. */
export const PERF_LOG_FILE = 'request_metrics.jsonl';

/** vLLM's FinishReason is an IntEnum, which json.dumps writes as its number. */
const VLLM_FINISH_REASON: Readonly<Record<FinishedRequestTimings['finishReason'], number>> = { stop: 0, length: 1, abort: 2 };

/** A local time as Python's `datetime.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]` writes it (no zone). */
function localIsoMilliseconds(date: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * SPEC §4's per-request JSONL log (VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED=1): one line per finished
 * request, with the keys and units of vLLM-Spyre's FileStatLogger (vllm_spyre/v1/metrics/stats_logger.py):
 * vLLM's FinishedRequestStats flattened, its times suffixed `_seconds`, plus the prefill-interrupt estimates
 * — so `spyre sim calibrate --from-perf-log` reads this file and vLLM-Spyre's alike. Lines are appended
 * synchronously: one short write per request, far below a step's cost.
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
      timestamp: localIsoMilliseconds(new Date()),
      prefill_interrupt_seconds: timings.prefillInterruptS,
      decode_only_itl_seconds: timings.decodeOnlyItlS ?? 0,
      finish_reason: VLLM_FINISH_REASON[timings.finishReason],
      request_id: timings.requestId,
      e2e_latency_seconds: timings.e2eS,
      num_prompt_tokens: timings.numPromptTokens,
      num_generation_tokens: timings.numGenerationTokens,
      max_tokens_param: null,
      queued_time_seconds: timings.queuedS ?? 0,
      prefill_time_seconds: timings.prefillS ?? 0,
      inference_time_seconds: (timings.prefillS ?? 0) + (timings.decodeS ?? 0),
      decode_time_seconds: timings.decodeS ?? 0,
      mean_time_per_output_token_seconds: timings.timePerOutputTokenS ?? 0,
    };
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}
