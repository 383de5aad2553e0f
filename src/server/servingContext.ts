import { WALL_CLOCK } from '../app/wallClock.js';
import type { Clock } from '../core/contracts/clock.js';
import type { EngineConfig } from '../core/contracts/config.js';
import { SILENT_LOGGER, type Logger } from '../core/contracts/logger.js';
import type { MetricsRecorder } from '../core/metrics/metricsRecorder.js';
import type { PrometheusRecorder } from './metrics/prometheusRecorder.js';
import { servingRecorders } from './servingRecorders.js';

/** Default request body limit: far above any prompt max_model_len allows, far below what hurts the server. */
export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** What building a server takes, whatever task its route plugins serve. */
export interface ServingOptions {
  readonly logger?: Logger;
  readonly bodyLimitBytes?: number;
  /** What /version answers. */
  readonly version?: string;
  readonly clock?: Clock;
  /** More recorders of the serving metrics (tests, extra sinks). */
  readonly recorders?: readonly MetricsRecorder[];
}

/** What every route of a served model reads, whatever its task: its config, the logger, the clock and the metrics. */
export interface ServingContext {
  readonly config: EngineConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly prometheus: PrometheusRecorder;
  /** Every recorder of the serving metrics (Prometheus first). */
  readonly recorders: readonly MetricsRecorder[];
  readonly version: string;
  /** Model names a request may ask for: the served name (and the model path it was started with). */
  readonly acceptedModelNames: ReadonlySet<string>;
  readonly logRequests: boolean;
}

/** The served model's common context: defaults filled in, the recorders built. */
export function servingContext(config: EngineConfig, options: ServingOptions = {}): ServingContext {
  const { prometheus, recorders } = servingRecorders(config, options.recorders);
  return {
    config,
    logger: options.logger ?? SILENT_LOGGER,
    clock: options.clock ?? WALL_CLOCK,
    prometheus,
    recorders,
    version: options.version ?? '0.0.0',
    acceptedModelNames: new Set([config.servedModelName, config.model]),
    logRequests: !config.disableLogRequests,
  };
}
