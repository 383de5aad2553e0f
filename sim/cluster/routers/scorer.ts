import type { RoutedRequest, ScrapedMetrics } from './router.js';

/** One scorer plugin of the endpoint picker: a score in [0, 1] per replica, higher is better. */
export interface Scorer {
  readonly type: string;
  score(request: RoutedRequest, metrics: ScrapedMetrics, out: Float64Array): void;
  /** The picker chose `replica` (the plugin's PreRequest hook). */
  picked?(request: RoutedRequest, replica: number, metrics: ScrapedMetrics): void;
}

/** `queue-scorer`: (max − own) / (max − min) of the scraped waiting queues; 1 for all when they are equal. */
export class QueueScorer implements Scorer {
  readonly type = 'queue-scorer';

  score(_request: RoutedRequest, metrics: ScrapedMetrics, out: Float64Array): void {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const waiting of metrics.numWaiting) {
      min = Math.min(min, waiting);
      max = Math.max(max, waiting);
    }
    for (let replica = 0; replica < out.length; replica++) out[replica] = max === min ? 1 : (max - metrics.numWaiting[replica]!) / (max - min);
  }
}

/** `kv-cache-utilization-scorer`: 1 − the scraped KV-cache usage. */
export class KvCacheUtilizationScorer implements Scorer {
  readonly type = 'kv-cache-utilization-scorer';

  score(_request: RoutedRequest, metrics: ScrapedMetrics, out: Float64Array): void {
    for (let replica = 0; replica < out.length; replica++) out[replica] = 1 - metrics.kvCacheUsage[replica]!;
  }
}
