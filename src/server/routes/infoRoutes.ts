import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/apiError.js';
import { createdNowS } from '../openai/usage.js';
import type { ServerContext } from '../serverContext.js';

/** GET /v1/models, /health, /version, /metrics and POST /reset_prefix_cache. */
export function registerInfoRoutes(app: FastifyInstance, context: ServerContext): void {
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

  app.get('/version', async () => ({ version: context.version }));

  app.get('/metrics', async (_request, reply) => {
    const text = await context.prometheus.scrape(context.engine.core.stats());
    return reply.type(context.prometheus.contentType).send(text);
  });

  app.post('/reset_prefix_cache', async () => {
    if (!context.engine.core.resetPrefixCache()) {
      throw new ApiError('conflict', 'Could not reset the prefix cache: some KV blocks are still in use by running requests. Retry when the engine is idle.');
    }
    return { status: 'ok' };
  });
}
