import { describe, expect, it } from 'vitest';
import type { ClusterReport } from '../../../sim/cluster/clusterReport.js';
import { resolveFleet } from '../../../sim/cluster/fleet.js';
import { runClusterSimulation } from '../../../sim/cluster/runClusterSimulation.js';
import { simulateScenario } from '../../../sim/run/simulateScenario.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';

const WORKLOAD = {
  num_requests: 60,
  seed: 4,
  arrival: { process: 'poisson', rate: 8 },
  prompt_len: { dist: 'uniform', min: 40, max: 300 },
  output_len: { dist: 'uniform', min: 4, max: 40 },
};
const CONFIG = { max_model_len: 1024, max_num_seqs: 4, max_num_batched_tokens: 128 };

function cluster(json: Record<string, unknown>): ClusterReport {
  return simulateScenario(parseScenario({ config: CONFIG, workload: WORKLOAD, ...json }, 'cluster-test'), '.') as ClusterReport;
}

function owners(json: Record<string, unknown>): number[] {
  const scenario = parseScenario({ config: CONFIG, workload: WORKLOAD, ...json }, 'cluster-test');
  return [...runClusterSimulation({ fleet: resolveFleet(scenario, '.', SILENT_LOGGER), router: scenario.router, workload: scenarioWorkload(scenario, '.') }).owner];
}

describe('having a simulated cluster', () => {
  describe('when the router is round_robin', () => {
    it('should send the requests to the replicas in turn, so their counts differ by at most one', () => {
      expect(owners({ replicas: 3, router: { policy: 'round_robin' } }).slice(0, 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
      const counts = cluster({ replicas: 4, router: { policy: 'round_robin' } }).cluster.replicas.map((replica) => replica.requests);
      expect(counts).toEqual([15, 15, 15, 15]);
    });
  });

  describe('when a fleet is mixed', () => {
    it('should build each group with its own config and cost model and count the cards', () => {
      const report = cluster({
        replicas: [
          { count: 2, name: 'big', config: { tensor_parallel_size: 4, max_num_batched_tokens: 256 } },
          { name: 'small', config: { max_num_seqs: 2 }, cost_model: { profile: 'eager-cpu' } },
        ],
        router: { policy: 'least_requests' },
      });
      expect(report.cluster.replicas.map((replica) => [replica.name, replica.max_num_batched_tokens, replica.max_num_seqs, replica.tensor_parallel_size])).toEqual([
        ['big-0', 256, 4, 4],
        ['big-1', 256, 4, 4],
        ['small', 128, 2, 1],
      ]);
      expect(report.cluster.cards).toBe(9);
      expect(report.cluster.replicas[2]!.cost_model).toContain('eager-cpu');
      expect(report.requests.completed).toBe(60);
    });
  });

  describe('when the endpoint picker scrapes less often than requests arrive', () => {
    it('should see only the scraped metrics: with one scrape at time 0 (all idle) queue and KV scorers tie everywhere and the seeded tie-break decides', () => {
      const rarely = { scrape_interval_s: 1000, seed: 9 };
      const byQueue = owners({ replicas: 3, router: { policy: 'endpoint_picker', scorers: [{ type: 'queue-scorer', weight: 1 }], ...rarely } });
      const byKv = owners({ replicas: 3, router: { policy: 'endpoint_picker', scorers: [{ type: 'kv-cache-utilization-scorer', weight: 1 }], ...rarely } });
      expect(byKv).toEqual(byQueue);
      // Scraped often, the two scorers see the replicas' real (and different) queues and KV usage.
      const often = { scrape_interval_s: 0.01, seed: 9 };
      const liveQueue = owners({ replicas: 3, router: { policy: 'endpoint_picker', scorers: [{ type: 'queue-scorer', weight: 1 }], ...often } });
      const liveKv = owners({ replicas: 3, router: { policy: 'endpoint_picker', scorers: [{ type: 'kv-cache-utilization-scorer', weight: 1 }], ...often } });
      expect(liveKv).not.toEqual(liveQueue);
    });
  });

  describe('when prompts share long prefixes and each replica caches only a few of them', () => {
    const affinity = {
      config: { max_model_len: 2048, max_num_seqs: 2, max_num_batched_tokens: 256, enable_prefix_caching: true, num_blocks: 60 },
      workload: {
        num_requests: 240,
        seed: 11,
        arrival: { process: 'poisson', rate: 4 },
        prompt_len: { dist: 'uniform', min: 32, max: 128 },
        output_len: { dist: 'uniform', min: 8, max: 24 },
        shared_prefix: { groups: 6, length: 1024 },
      },
      replicas: 3,
    };
    it('should give the endpoint picker with its prefix-cache scorer a better hit rate and TTFT than round_robin', () => {
      const roundRobin = cluster({ ...affinity, router: { policy: 'round_robin' } });
      const picker = cluster({ ...affinity, router: { policy: 'endpoint_picker' } });
      expect(picker.prefix_cache.hit_rate).toBeGreaterThan(roundRobin.prefix_cache.hit_rate + 0.2);
      expect(picker.ttft_s.mean).toBeLessThan(0.75 * roundRobin.ttft_s.mean);
      expect(picker.ttft_s.p50).toBeLessThan(0.75 * roundRobin.ttft_s.p50);
    });
  });

  describe('when the scenario is wrong', () => {
    it('should name the field and say how to fix it', () => {
      expect(() => parseScenario({ router: { policy: 'least_requests', scorers: [{ type: 'queue-scorer', weight: 1 }] } }, 's.json')).toThrow(
        /router\.scorers: only the endpoint_picker policy takes scorers/,
      );
      expect(() => parseScenario({ router: { policy: 'endpoint_picker', scorers: [{ type: 'queue', weight: 1 }] } }, 's.json')).toThrow(/router\.scorers\[0\]\.type: .*'queue-scorer'/);
      expect(() => parseScenario({ router: { policy: 'endpoint_picker', scorers: [{ type: 'queue-scorer', weight: -1 }] } }, 's.json')).toThrow(/router\.scorers\[0\]\.weight/);
      expect(() => parseScenario({ router: { policy: 'endpoint_picker', scrape_interval_s: 0 } }, 's.json')).toThrow(/router\.scrape_interval_s/);
      expect(() => parseScenario({ replicas: 0 }, 's.json')).toThrow(/replicas/);
      expect(() => parseScenario({ replicas: [{ count: 2, config: { max_num_sqs: 2 } }] }, 's.json')).toThrow(/replicas\[0\]\.config/);
      expect(() => cluster({ replicas: [{ count: 1 }, { config: { max_num_batched_tokens: 100 } }] })).toThrow(/replicas\[1\]: `max_num_batched_tokens` must be divisible by the block size/);
    });
  });
});
