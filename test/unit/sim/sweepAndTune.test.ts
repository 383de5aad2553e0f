import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { runSweep } from '../../../sim/sweep/runSweep.js';
import { sweepPoints } from '../../../sim/sweep/sweepPoints.js';
import { recommend } from '../../../sim/tune/recommend.js';

/** Saturated on purpose (closed loop above max_num_seqs): throughput then depends on the chunk size. Granite on 4 cards. */
const scenario = parseScenario(
  {
    config: { max_model_len: 2048, max_num_seqs: 4, tensor_parallel_size: 4 },
    workload: {
      num_requests: 120,
      seed: 3,
      arrival: { process: 'closed', concurrency: 8 },
      prompt_len: { dist: 'lognormal', mean: 600, std: 400, max: 1500 },
      output_len: { dist: 'uniform', min: 16, max: 128 },
    },
    cost_model: { profile: 'spyre-illustrative' },
  },
  'sweep-test',
);

describe('having a sweep over chunk sizes', () => {
  const points = sweepPoints({ chunkSizes: [128, 256, 512, 1024, 2048] });

  it('should label points by setting', () => {
    expect(points.map((point) => point.label)).toEqual(['chunk=128', 'chunk=256', 'chunk=512', 'chunk=1024', 'chunk=2048']);
  });

  describe('when it runs on worker threads', () => {
    it('should give the same reports as the same points run one after the other', async () => {
      const few = sweepPoints({ chunkSizes: [256, 1024], interleave: [true, false] });
      const parallel = await runSweep(scenario, '.', few, { workers: 2 });
      const serial = await runSweep(scenario, '.', few, { workers: 0 });
      expect(parallel).toEqual(serial);
      expect(parallel.map((result) => result.report.settings.max_num_batched_tokens)).toEqual([256, 1024, 256, 1024]);
    });
  });

  describe('when the ITL target tightens', () => {
    it('should recommend a smaller chunk, one that meets the target', async () => {
      const results = await runSweep(scenario, '.', points, { workers: 0 });
      const candidates = results.map((result) => ({ label: result.point.label, report: result.report }));
      const loose = recommend(candidates, { itlP99Ms: 10_000 });
      expect(loose.index).toBeDefined();
      const looseReport = candidates[loose.index!]!.report;
      // Between the smallest chunk's ITL p99 and the loose pick's: only smaller chunks can meet it.
      const smallest = candidates[0]!.report;
      expect(smallest.itl_s.p99).toBeLessThan(looseReport.itl_s.p99);
      const tightTargetMs = ((smallest.itl_s.p99 + looseReport.itl_s.p99) / 2) * 1000;
      const tight = recommend(candidates, { itlP99Ms: tightTargetMs });
      expect(tight.index).toBeDefined();
      const tightReport = candidates[tight.index!]!.report;
      expect(tightReport.settings.max_num_batched_tokens).toBeLessThan(looseReport.settings.max_num_batched_tokens);
      expect(tightReport.itl_s.p99 * 1000).toBeLessThanOrEqual(tightTargetMs);
      expect(tight.message).toMatch(/^Recommended: chunk=\d+/);
    });

    it('should say that no setting meets a target below every candidate, and name the closest', async () => {
      const results = await runSweep(scenario, '.', points.slice(0, 2), { workers: 0 });
      const verdict = recommend(results.map((result) => ({ label: result.point.label, report: result.report })), { itlP99Ms: 1 });
      expect(verdict.index).toBeUndefined();
      expect(verdict.message).toMatch(/^No setting meets ITL p99 ≤ 1 ms\. Closest: chunk=\d+ \(ITL p99 [\d.]+ ms > 1 ms\)/);
    });
  });
});
