import type { PoolingEngine } from '../core/engine/poolingEngine.js';
import type { PoolingRequestMetrics } from './metrics/poolingRequestMetrics.js';
import type { ServingContext } from './servingContext.js';

/** What every pooling route reads: the served model's context, the engine and its request metrics. Built once by poolingRoutes. */
export interface PoolingServerContext extends ServingContext {
  readonly engine: PoolingEngine;
  readonly metrics: PoolingRequestMetrics;
}
