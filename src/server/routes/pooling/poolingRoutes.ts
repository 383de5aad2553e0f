import { TokenizerPoolingTextEncoder } from '../../../app/poolingTextEncoder.js';
import type { PoolingTextEncoder } from '../../../core/contracts/pooling.js';
import { TokenizerWorkerPool } from '../../../tokenizer/worker/tokenizerWorkerPool.js';
import { BODY_WORKER_ENTRY, BodyPreparer, reviveBodyFailure } from '../../body/bodyPreparer.js';
import { POOLING_BODY_PREPARERS, type PoolingBodyEnv } from '../../body/poolingPreparers.js';
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
  const { servedModelName, maxModelLen, warmupShapes } = serving.config;
  const env: PoolingBodyEnv = { acceptedModelNames: serving.acceptedModelNames, config: { servedModelName, maxModelLen, warmupShapes }, outputWidth: engine.description.outputWidth };
  // Large bodies go to a body worker over the same tokenizer files, which tokenizes their texts too; a
  // tokenizer without its files (a test's) leaves them to be parsed here.
  const files = textEncoder instanceof TokenizerPoolingTextEncoder ? textEncoder.files : undefined;
  const pool = files !== undefined ? new TokenizerWorkerPool(files, { entry: BODY_WORKER_ENTRY, reviveFailure: reviveBodyFailure }) : undefined;
  const bytesBound = textEncoder instanceof TokenizerPoolingTextEncoder ? textEncoder.bytesBound : { kind: 'unbounded' as const, reason: 'the model ships no tokenizer.json' };
  const bodies = new BodyPreparer(POOLING_BODY_PREPARERS, env, { encoder: textEncoder, bytesBound, tokenizesInputs: false }, pool);
  const context: PoolingServerContext = { ...serving, engine, metrics, bodies };
  return {
    context,
    register: (app) => {
      if (pool !== undefined) app.addHook('onClose', () => pool.close());
      registerEmbeddingRoutes(app, context);
      registerScoreRoutes(app, context);
      if (textEncoder !== undefined) registerPoolingTokenizeRoute(app, context);
    },
    stats: () => metrics.stats(),
    // Static batching keeps no KV cache: there is nothing to reset, so /reset_prefix_cache (VLLM_SERVER_DEV_MODE=1) succeeds (as vLLM's does).
    resetPrefixCache: () => true,
    numUnfinishedRequests: () => metrics.numUnfinishedRequests,
  };
}
