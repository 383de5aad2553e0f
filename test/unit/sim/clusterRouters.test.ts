import { describe, expect, it } from 'vitest';
import { prefixCacheParametersSchema } from '../../../sim/cluster/clusterSchema.js';
import { EndpointPickerRouter } from '../../../sim/cluster/routers/endpointPickerRouter.js';
import { LeastRequestsRouter } from '../../../sim/cluster/routers/leastRequestsRouter.js';
import { PrefixCacheScorer } from '../../../sim/cluster/routers/prefixCacheScorer.js';
import { ScrapedMetrics } from '../../../sim/cluster/routers/router.js';
import { KvCacheUtilizationScorer, QueueScorer } from '../../../sim/cluster/routers/scorer.js';

const tokens = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

function metrics(waiting: number[], kv: number[], numGpuBlocks = 100): ScrapedMetrics {
  const scraped = new ScrapedMetrics(waiting.map(() => 64), waiting.map(() => numGpuBlocks));
  scraped.numWaiting.set(waiting);
  scraped.kvCacheUsage.set(kv);
  return scraped;
}

describe('having HAProxy leastconn (least_requests)', () => {
  it('should pick the replica with the fewest open requests, the least recently changed among equals, and count releases', () => {
    const router = new LeastRequestsRouter(3);
    expect([router.pick(), router.pick(), router.pick()]).toEqual([0, 1, 2]);
    router.released(1);
    expect(router.pick()).toBe(1);
    router.released(2);
    router.released(0);
    // 0 and 2 both hold none now; 2's count changed first, so it goes first.
    expect(router.pick()).toBe(2);
    expect(router.pick()).toBe(0);
  });

  it('should break ties as HAProxy does, by when the count last changed (a release re-queues), not by a turn after the last pick', () => {
    const router = new LeastRequestsRouter(3);
    expect([router.pick(), router.pick(), router.pick()]).toEqual([0, 1, 2]);
    router.released(1);
    router.released(0);
    // A turn after the last pick (2) would give 0; HAProxy's tree has 1 first (released before 0).
    expect(router.pick()).toBe(1);
    expect(router.pick()).toBe(0);
    expect(router.pick()).toBe(2);
  });
});

describe('having the endpoint picker scorers', () => {
  it('should score queues as (max − own) / (max − min), 1 when all are equal, and KV as 1 − usage', () => {
    const out = new Float64Array(3);
    new QueueScorer().score({ index: 0, promptTokenIds: [] }, metrics([4, 0, 2], [0, 0, 0]), out);
    expect([...out]).toEqual([0, 1, 0.5]);
    new QueueScorer().score({ index: 0, promptTokenIds: [] }, metrics([3, 3, 3], [0, 0, 0]), out);
    expect([...out]).toEqual([1, 1, 1]);
    new KvCacheUtilizationScorer().score({ index: 0, promptTokenIds: [] }, metrics([0, 0, 0], [0.25, 1, 0]), out);
    expect([...out]).toEqual([0.75, 0, 1]);
  });

  it('should score a replica by the share of leading prompt blocks the router sent it before', () => {
    const scorer = new PrefixCacheScorer(prefixCacheParametersSchema.parse({}), 2);
    const scraped = metrics([0, 0], [0, 0]);
    const out = new Float64Array(2);
    const first = { index: 0, promptTokenIds: tokens(0, 256) };
    scorer.score(first, scraped, out);
    expect([...out]).toEqual([0, 0]);
    scorer.picked(first, 1, scraped);
    // Same first two blocks of four, then different: half the blocks match on replica 1.
    scorer.score({ index: 1, promptTokenIds: [...tokens(0, 128), ...tokens(5000, 128)] }, scraped, out);
    expect([...out]).toEqual([0, 0.5]);
    // A different cache salt shares nothing.
    scorer.score({ index: 2, promptTokenIds: tokens(0, 256), cacheSalt: 'tenant-b' }, scraped, out);
    expect([...out]).toEqual([0, 0]);
    // Shorter than a block: nothing to match.
    scorer.score({ index: 3, promptTokenIds: tokens(0, 63) }, scraped, out);
    expect([...out]).toEqual([0, 0]);
  });

  it('should forget the oldest blocks beyond a replica’s num_gpu_blocks when auto-tuned', () => {
    const scorer = new PrefixCacheScorer(prefixCacheParametersSchema.parse({}), 1);
    const scraped = metrics([0], [0], 4);
    scorer.picked({ index: 0, promptTokenIds: tokens(0, 256) }, 0, scraped);
    scorer.picked({ index: 1, promptTokenIds: tokens(9000, 128) }, 0, scraped);
    const out = new Float64Array(1);
    scorer.score({ index: 2, promptTokenIds: tokens(0, 256) }, scraped, out);
    // Its first two blocks were evicted: the match stops at the first block.
    expect([...out]).toEqual([0]);
  });

  it('should add the weighted scores and take the highest', () => {
    const scraped = metrics([0, 5], [0.9, 0]);
    // KV alone prefers replica 1; queue weighted 3 against KV 1 prefers replica 0 (3·1 + 0.1 > 0 + 1).
    expect(new EndpointPickerRouter([{ type: 'kv-cache-utilization-scorer', weight: 1 }], scraped, 0).pick({ index: 0, promptTokenIds: [] })).toBe(1);
    const weighted = new EndpointPickerRouter(
      [
        { type: 'queue-scorer', weight: 3 },
        { type: 'kv-cache-utilization-scorer', weight: 1 },
      ],
      scraped,
      0,
    );
    expect(weighted.pick({ index: 0, promptTokenIds: [] })).toBe(0);
  });
});
