import type { PoolingTextEncoder } from '../../../core/contracts/pooling.js';
import type { PoolingEngine } from '../../../core/engine/poolingEngine.js';
import { PoolingRequestMetrics } from '../../metrics/poolingRequestMetrics.js';
import type { PoolingServerContext } from '../../poolingServerContext.js';
import type { RoutePlugin } from '../../routePlugin.js';
import type { ServingContext } from '../../servingContext.js';
import { registerEmbeddingRoutes } from './embeddingRoutes.js';
import { registerPoolingTokenizeRoute } from './poolingTokenizeRoute.js';
import { registerScoreRoutes } from './scoreRoutes.js';

/**
 * The pooling tasks' routes over a PoolingEngine (SPEC §5): /v1/embeddings, /score, /rerank (three paths),
 * /pooling and /classify in vLLM's shapes, and /tokenize when the model's tokenizer is at hand.
 */
export function poolingRoutes(engine: PoolingEngine, serving: ServingContext, textEncoder?: PoolingTextEncoder): RoutePlugin<PoolingServerContext> {
  const metrics = new PoolingRequestMetrics(serving.prometheus, serving.recorders, serving.clock);
  const context: PoolingServerContext = { ...serving, engine, metrics };
  return {
    context,
    register: (app) => {
      registerEmbeddingRoutes(app, context);
      registerScoreRoutes(app, context);
      if (textEncoder !== undefined) registerPoolingTokenizeRoute(app, context, textEncoder);
    },
    stats: () => metrics.stats(),
    // Static batching keeps no KV cache: there is nothing to reset, so /reset_prefix_cache (VLLM_SERVER_DEV_MODE=1) succeeds (as vLLM's does).
    resetPrefixCache: () => true,
    numUnfinishedRequests: () => metrics.numUnfinishedRequests,
  };
}
