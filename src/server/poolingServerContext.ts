import type { PoolingEngine } from '../core/engine/poolingEngine.js';
import type { BodyPreparer } from './body/bodyPreparer.js';
import type { POOLING_BODY_PREPARERS, PoolingBodyEnv, PoolingBodyTokenizer } from './body/poolingPreparers.js';
import type { PoolingRequestMetrics } from './metrics/poolingRequestMetrics.js';
import type { ServingContext } from './servingContext.js';

/** What every pooling route reads: the served model's context, the engine and its request metrics. Built once by poolingRoutes. */
export interface PoolingServerContext extends ServingContext {
  readonly engine: PoolingEngine;
  readonly metrics: PoolingRequestMetrics;
  /** The routes' bodies parsed and checked: inline when small, on the body worker (tokenized there too) when large. */
  readonly bodies: BodyPreparer<PoolingBodyEnv, PoolingBodyTokenizer, typeof POOLING_BODY_PREPARERS>;
}
