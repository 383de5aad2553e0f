import type { Clock } from '../core/contracts/clock.js';
import type { EngineConfig } from '../core/contracts/config.js';
import type { Logger } from '../core/contracts/logger.js';
import type { LlmEngine } from '../core/engine/llmEngine.js';
import type { RequestMetricsTracker } from './metrics/requestMetricsTracker.js';
import type { PrometheusRecorder } from './metrics/prometheusRecorder.js';

/** What every route reads: the engine, its config and the metrics. Built once by createServer. */
export interface ServerContext {
  readonly engine: LlmEngine;
  readonly config: EngineConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly tracker: RequestMetricsTracker;
  readonly prometheus: PrometheusRecorder;
  readonly version: string;
  /** Model names a request may ask for: the served name (and the model path it was started with). */
  readonly acceptedModelNames: ReadonlySet<string>;
  readonly logRequests: boolean;
  /** When known, token ids must be below it. */
  readonly vocabSize: number | undefined;
}
