import type { Clock } from '../core/contracts/clock.js';
import type { EngineConfig } from '../core/contracts/config.js';
import type { Logger } from '../core/contracts/logger.js';
import type { PoolingEngine } from '../core/engine/poolingEngine.js';
import type { PoolingRequestMetrics } from './metrics/poolingRequestMetrics.js';
import type { PrometheusRecorder } from './metrics/prometheusRecorder.js';

/** What every pooling route reads: the engine, its config and the metrics. Built once by createPoolingServer. */
export interface PoolingServerContext {
  readonly engine: PoolingEngine;
  readonly config: EngineConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: PoolingRequestMetrics;
  readonly prometheus: PrometheusRecorder;
  readonly version: string;
  /** Model names a request may ask for: the served name (and the model path it was started with). */
  readonly acceptedModelNames: ReadonlySet<string>;
  readonly logRequests: boolean;
}
