import type { FastifyInstance } from 'fastify';
import { WALL_CLOCK } from '../app/wallClock.js';
import type { EngineConfig } from '../core/contracts/config.js';
import { SILENT_LOGGER } from '../core/contracts/logger.js';
import type { PoolingTextEncoder } from '../core/contracts/pooling.js';
import type { PoolingEngine } from '../core/engine/poolingEngine.js';
import { createBaseApp } from './baseApp.js';
import { servingRecorders } from './servingRecorders.js';
import { DEFAULT_BODY_LIMIT_BYTES, type CreateServerOptions } from './createServer.js';
import { PoolingRequestMetrics } from './metrics/poolingRequestMetrics.js';
import type { PoolingServerContext } from './poolingServerContext.js';
import { registerInfoRoutes } from './routes/infoRoutes.js';
import { registerEmbeddingRoutes } from './routes/pooling/embeddingRoutes.js';
import { registerPoolingTokenizeRoute } from './routes/pooling/poolingTokenizeRoute.js';
import { registerScoreRoutes } from './routes/pooling/scoreRoutes.js';
import { GENERATION_ROUTES, registerUnsupportedRoutes, TOKENIZE_ROUTE } from './routes/unsupportedRoutes.js';

export interface CreatePoolingServerOptions extends Omit<CreateServerOptions, 'vocabSize'> {
  /** The model's tokenizer, for /tokenize (without it, /tokenize is refused). */
  readonly textEncoder?: PoolingTextEncoder;
}

export interface SpyrePoolingServer {
  readonly app: FastifyInstance;
  readonly context: PoolingServerContext;
}

/**
 * The HTTP server over a pooling engine (SPEC §5): /v1/embeddings, /score, /rerank (three paths),
 * /pooling and /classify in vLLM's shapes, the info routes and the metrics, with the same error mapping
 * and auth as the generative server; the generation routes answer vLLM's "does not support" 400.
 * Not listening: the caller listens, or injects requests in tests.
 */
export function createPoolingServer(engine: PoolingEngine, config: EngineConfig, options: CreatePoolingServerOptions = {}): SpyrePoolingServer {
  const clock = options.clock ?? WALL_CLOCK;
  const { prometheus, recorders } = servingRecorders(config, options.recorders);
  const metrics = new PoolingRequestMetrics(prometheus, recorders, clock);
  const context: PoolingServerContext = {
    engine,
    config,
    logger: options.logger ?? SILENT_LOGGER,
    clock,
    metrics,
    prometheus,
    version: options.version ?? '0.0.0',
    acceptedModelNames: new Set([config.servedModelName, config.model]),
    logRequests: !config.disableLogRequests,
  };
  const app = createBaseApp({ logger: context.logger, bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, apiKey: config.apiKey });
  registerEmbeddingRoutes(app, context);
  registerScoreRoutes(app, context);
  // Static batching keeps no KV cache: there is nothing to reset, so /reset_prefix_cache (VLLM_SERVER_DEV_MODE=1) succeeds (as vLLM's does).
  registerInfoRoutes(app, { ...context, stats: () => metrics.stats(), resetPrefixCache: () => true });
  if (options.textEncoder !== undefined) registerPoolingTokenizeRoute(app, context, options.textEncoder);
  registerUnsupportedRoutes(app, options.textEncoder !== undefined ? GENERATION_ROUTES : [...GENERATION_ROUTES, TOKENIZE_ROUTE]);
  return { app, context };
}
