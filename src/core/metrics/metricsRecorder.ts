import type { EngineCoreStats } from '../contracts/engineStats.js';
import type { FinishReason } from '../contracts/requests.js';

/** What one finished (or abandoned) request measured, in seconds on the engine's clock. */
export interface FinishedRequestTimings {
  readonly requestId: string;
  readonly finishReason: FinishReason;
  readonly numPromptTokens: number;
  readonly numGenerationTokens: number;
  readonly e2eS: number;
  /** Undefined when the request never reached the device (aborted while waiting). */
  readonly queuedS: number | undefined;
  /** From its first scheduled step to its first token; undefined without a first token. */
  readonly prefillS: number | undefined;
  /** From its first token to its end; undefined without a first token. */
  readonly decodeS: number | undefined;
  /** Decode time per output token after the first; undefined with fewer than two tokens. */
  readonly timePerOutputTokenS: number | undefined;
  /** Time spent, after its first token, in other requests' prefill steps (decode stalled by them). */
  readonly prefillInterruptS: number;
  /** Mean gap between its tokens with the other requests' prefill steps taken out. */
  readonly decodeOnlyItlS: number | undefined;
}

/**
 * Where the metrics of the serving path go (Prometheus, a JSONL perf log, a test's list). The tracker that
 * measures requests calls it; implementations only record.
 */
export interface MetricsRecorder {
  /** After every engine step: tokens the step scheduled, and the engine's state after it. */
  recordStep(numScheduledTokens: number, stats: EngineCoreStats): void;
  /** When tokens reach the client: `latencyS` is the TTFT for the first, else the gap since the previous. */
  recordTokens(count: number, latencyS: number, isFirst: boolean): void;
  /** Once per request, when it ends. */
  recordFinished(timings: FinishedRequestTimings): void;
  /** Refreshes the gauges outside a step (e.g. after an abort between steps). */
  recordState?(stats: EngineCoreStats): void;
}
