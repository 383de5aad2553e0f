import { DEFAULT_SCORERS, type RouterSpec } from '../clusterSchema.js';
import { EndpointPickerRouter } from './endpointPickerRouter.js';
import { LeastRequestsRouter } from './leastRequestsRouter.js';
import { RoundRobinRouter } from './roundRobinRouter.js';
import type { Router, ScrapedMetrics } from './router.js';

/** The router a scenario's `router` names; without one, round_robin (one replica: it does not matter). */
export function createRouter(spec: RouterSpec | undefined, metrics: ScrapedMetrics): Router {
  const policy = spec?.policy ?? 'round_robin';
  if (policy === 'round_robin') return new RoundRobinRouter(metrics.numReplicas);
  if (policy === 'least_requests') return new LeastRequestsRouter(metrics.numReplicas);
  return new EndpointPickerRouter(spec?.scorers ?? DEFAULT_SCORERS, metrics, spec?.seed ?? 0);
}
