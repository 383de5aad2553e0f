import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateScenario } from '../../sim/run/simulateScenario.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';

function run(scenarioJson: unknown): { trace: string; report: string } {
  const lines: string[] = [];
  const report = simulateScenario(parseScenario(scenarioJson, 'property'), '.', { onTrace: (line) => lines.push(JSON.stringify(line)) });
  return { trace: lines.join('\n'), report: JSON.stringify(report) };
}

describe('having a generated scenario and its seed', () => {
  it('should give byte-identical traces and reports on every run', () => {
    const scenario = fc.record({
      seed: fc.nat(1000),
      chunk: fc.constantFrom(64, 128, 256),
      seqs: fc.integer({ min: 1, max: 4 }),
      interleave: fc.constantFrom('0', '1'),
      prefixCaching: fc.boolean(),
      arrival: fc.oneof(
        fc.record({ process: fc.constant('poisson'), rate: fc.integer({ min: 1, max: 50 }) }),
        fc.record({ process: fc.constant('gamma'), rate: fc.integer({ min: 1, max: 50 }), burstiness: fc.constantFrom(0.2, 1, 5) }),
        fc.record({ process: fc.constant('closed'), concurrency: fc.integer({ min: 1, max: 6 }) }),
      ),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        const json = {
          config: { max_model_len: 512, max_num_seqs: s.seqs, max_num_batched_tokens: s.chunk, enable_prefix_caching: s.prefixCaching, env: { VLLM_SPYRE_CP_INTERLEAVE_STEPS: s.interleave } },
          workload: {
            num_requests: 25,
            seed: s.seed,
            arrival: s.arrival,
            prompt_len: { dist: 'lognormal', mean: 120, std: 80, max: 300 },
            output_len: { dist: 'uniform', min: 1, max: 40 },
            shared_prefix: { groups: 2, length: 64 },
          },
          cost_model: { profile: 'spyre-illustrative' },
        };
        const first = run(json);
        const second = run(json);
        expect(second.trace).toBe(first.trace);
        expect(second.report).toBe(first.report);
        expect(first.trace.length).toBeGreaterThan(0);
      }),
      { numRuns: 12 },
    );
  });
});
