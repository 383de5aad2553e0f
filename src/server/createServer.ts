import type { FastifyInstance } from 'fastify';
import { WALL_CLOCK } from '../app/wallClock.js';
import type { Clock } from '../core/contracts/clock.js';
import type { EngineConfig } from '../core/contracts/config.js';
import { SILENT_LOGGER, type Logger } from '../core/contracts/logger.js';
import type { LlmEngine } from '../core/engine/llmEngine.js';
import type { MetricsRecorder } from '../core/metrics/metricsRecorder.js';
import { createBaseApp } from './baseApp.js';
import { registerEndpointPickerInfo } from './metrics/endpointPickerInfo.js';
import { servingRecorders } from './servingRecorders.js';
import { RequestMetricsTracker } from './metrics/requestMetricsTracker.js';
import { registerChatCompletionsRoute } from './routes/chatCompletions.js';
import { registerCompletionsRoute } from './routes/completions.js';
import { registerInfoRoutes } from './routes/infoRoutes.js';
import { registerTokenizeRoutes } from './routes/tokenizeRoutes.js';
import { POOLING_ROUTES, registerUnsupportedRoutes } from './routes/unsupportedRoutes.js';
import type { ServerContext } from './serverContext.js';

/** Default request body limit: far above any prompt max_model_len allows, far below what hurts the server. */
export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface CreateServerOptions {
  readonly logger?: Logger;
  readonly bodyLimitBytes?: number;
  /** What /version answers. */
  readonly version?: string;
  readonly clock?: Clock;
  /** Rows of the model's logits: prompt token ids at or above it are refused with a 400. */
  readonly vocabSize?: number;
  /** More recorders of the serving metrics (tests, extra sinks). */
  readonly recorders?: readonly MetricsRecorder[];
}

export interface SpyreServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
}

/**
 * The OpenAI-compatible HTTP server over an engine: routes, error mapping, auth and metrics, without
 * listening (the caller listens, or injects requests in tests). Errors of every kind leave as OpenAI's
 * `{error: {message, type, param, code}}` with the status of HTTP_ERROR_TABLE.
 */
export function createServer(engine: LlmEngine, config: EngineConfig, options: CreateServerOptions = {}): SpyreServer {
  const clock = options.clock ?? WALL_CLOCK;
  const { prometheus, recorders } = servingRecorders(config, options.recorders);
  prometheus.baseline(engine.core.stats());
  registerEndpointPickerInfo(prometheus.registry, config);
  const tracker = new RequestMetricsTracker(recorders, clock, () => engine.core.stats());
  engine.onStep((report) => tracker.onStep(report));
  const context: ServerContext = {
    engine,
    config,
    logger: options.logger ?? SILENT_LOGGER,
    clock,
    tracker,
    prometheus,
    version: options.version ?? '0.0.0',
    acceptedModelNames: new Set([config.servedModelName, config.model]),
    logRequests: !config.disableLogRequests,
    vocabSize: options.vocabSize,
  };

  const app = createBaseApp({ logger: context.logger, bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, apiKey: config.apiKey });

  registerCompletionsRoute(app, context);
  registerChatCompletionsRoute(app, context);
  registerInfoRoutes(app, { ...context, stats: () => engine.core.stats(), resetPrefixCache: () => engine.core.resetPrefixCache() });
  registerTokenizeRoutes(app, context);
  registerUnsupportedRoutes(app, POOLING_ROUTES);
  return { app, context };
}
