import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isClusterReport } from '../../sim/cluster/clusterReport.js';
import { resolveFleet } from '../../sim/cluster/fleet.js';
import { runClusterSimulation } from '../../sim/cluster/runClusterSimulation.js';
import { simulateScenario } from '../../sim/run/simulateScenario.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import { scenarioWorkload } from '../../sim/scenario/scenarioWorkload.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';

const router = fc.oneof(
  fc.constant({ policy: 'round_robin' }),
  fc.constant({ policy: 'least_requests' }),
  fc.record({ policy: fc.constant('endpoint_picker'), scrape_interval_s: fc.constantFrom(0.01, 0.05, 0.5), seed: fc.nat(100) }),
);

const scenario = fc.record({
  seed: fc.nat(1000),
  replicas: fc.integer({ min: 1, max: 4 }),
  router,
  seqs: fc.integer({ min: 1, max: 4 }),
  arrival: fc.oneof(
    fc.record({ process: fc.constant('poisson'), rate: fc.integer({ min: 1, max: 60 }) }),
    fc.record({ process: fc.constant('closed'), concurrency: fc.integer({ min: 1, max: 8 }) }),
  ),
});

function scenarioJson(s: { seed: number; replicas: number; router: unknown; seqs: number; arrival: unknown }): unknown {
  return {
    config: { max_model_len: 512, max_num_seqs: s.seqs, max_num_batched_tokens: 128, enable_prefix_caching: true },
    workload: {
      num_requests: 30,
      seed: s.seed,
      arrival: s.arrival,
      // Some prompts are longer than max_model_len: they are refused, and must still end (as rejected).
      prompt_len: { dist: 'lognormal', mean: 160, std: 160, max: 700 },
      output_len: { dist: 'uniform', min: 1, max: 30 },
      shared_prefix: { groups: 3, length: 64 },
    },
    cost_model: { profile: 'spyre-illustrative' },
    replicas: s.replicas,
    router: s.router,
  };
}

describe('having a generated cluster scenario', () => {
  it('should send every request to exactly one replica, end every one of them, and give the same report on every run', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const parsed = parseScenario(scenarioJson(s), 'property');
        const outcome = runClusterSimulation({ fleet: resolveFleet(parsed, '.', SILENT_LOGGER), router: parsed.router, workload: scenarioWorkload(parsed, '.'), keepPerRequest: true });
        for (const replica of outcome.owner) expect(replica >= 0 && replica < s.replicas).toBe(true);
        const states = outcome.fleet.metrics.perRequest!.state;
        // 2 ended, 3 refused: nothing is left pending or running.
        for (const state of states) expect(state === 2 || state === 3).toBe(true);
        // Each request was admitted (or refused) by its owner alone.
        outcome.replicas.forEach((replica, index) => {
          replica.metrics.perRequest!.state.forEach((state, request) => expect(state !== 0).toBe(outcome.owner[request] === index));
        });
        const first = simulateScenario(parsed, '.');
        const second = simulateScenario(parseScenario(scenarioJson(s), 'property'), '.');
        expect(JSON.stringify(second)).toBe(JSON.stringify(first));
        expect(isClusterReport(first) && first.cluster.replicas.reduce((total, replica) => total + replica.requests, 0)).toBe(30);
      }),
      { numRuns: 25, seed: 15 },
    );
  });

  it('should, with one replica, give exactly the single-engine report whatever the router', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const json = scenarioJson({ ...s, replicas: 1 }) as Record<string, unknown>;
        const { replicas: _replicas, router: _router, ...single } = json;
        const alone = simulateScenario(parseScenario(single, 'single'), '.');
        const { cluster, ...fleet } = simulateScenario(parseScenario(json, 'cluster'), '.') as ReturnType<typeof simulateScenario> & { cluster: unknown };
        expect(cluster).toBeDefined();
        expect(JSON.stringify(fleet)).toBe(JSON.stringify(alone));
      }),
      { numRuns: 20, seed: 16 },
    );
  });
});
