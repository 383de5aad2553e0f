import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/apiError.js';
import { createdNowS } from '../openai/usage.js';
import type { EngineConfig } from '../../core/contracts/config.js';
import type { EngineCoreStats } from '../../core/contracts/engineStats.js';
import type { PrometheusRecorder } from '../metrics/prometheusRecorder.js';

/** What the info routes read, from a generative or a pooling engine. */
export interface InfoRoutesSource {
  readonly config: EngineConfig;
  readonly version: string;
  readonly prometheus: PrometheusRecorder;
  /** The engine's state, refreshed into the gauges at every scrape. */
  stats(): EngineCoreStats;
  /** False while blocks are in use (409). */
  resetPrefixCache(): boolean;
}

/** GET /v1/models, /health, /ping, /version, /metrics and, with VLLM_SERVER_DEV_MODE=1, POST /reset_prefix_cache. */
export function registerInfoRoutes(app: FastifyInstance, context: InfoRoutesSource): void {
  const startedS = createdNowS();
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [
      {
        id: context.config.servedModelName,
        object: 'model',
        created: startedS,
        owned_by: 'spyre-engine',
        root: context.config.model,
        parent: null,
        max_model_len: context.config.maxModelLen,
      },
    ],
  }));

  app.get('/health', async (_request, reply) => reply.code(200).send());
  app.get('/ping', async (_request, reply) => reply.code(200).send());

  app.get('/version', async () => ({ version: context.version }));

  app.get('/metrics', async (_request, reply) => {
    const text = await context.prometheus.scrape(context.stats());
    return reply.type(context.prometheus.contentType).send(text);
  });

  if (!context.config.serverDevMode) return;
  app.post('/reset_prefix_cache', async () => {
    if (!context.resetPrefixCache()) {
      throw new ApiError('conflict', 'Could not reset the prefix cache: some KV blocks are still in use by running requests. Retry when the engine is idle.');
    }
    return { status: 'ok' };
  });
}
