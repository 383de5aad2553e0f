// spyre sim tune over tensor parallel sizes: per card count the best chunk size for the targets, overall the
// fewest cards that meet them; a card count the cards cannot hold is reported infeasible, not simulated.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SPYRE_CARD_PROFILE } from '../../../src/device/deviceProfile.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { runSweep } from '../../../sim/sweep/runSweep.js';
import { sweepPoints } from '../../../sim/sweep/sweepPoints.js';
import { recommendByCards, splitFeasible } from '../../../sim/tune/tuneCards.js';
import { REPO_ROOT } from '../../support/sharedPaths.js';

const dir = mkdtempSync(join(tmpdir(), 'spyre-tune-tp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Cards of 10 GB: granite-3.3-8b's 16.3 GB of fp16 weights need at least two of them.
writeFileSync(join(dir, 'cards.json'), JSON.stringify({ ...SPYRE_CARD_PROFILE, name: 'small-cards', memoryBytesPerCard: 10e9 }));
const SCENARIO = {
  config: { max_model_len: 2048, max_num_seqs: 4 },
  workload: { num_requests: 40, seed: 4, arrival: { process: 'poisson', rate: 1.5 }, prompt_len: { dist: 'uniform', min: 100, max: 900 }, output_len: { dist: 'uniform', min: 16, max: 64 } },
  cost_model: { device: 'cards.json' },
};
const scenarioPath = join(dir, 'granite.scenario.json');
writeFileSync(scenarioPath, JSON.stringify(SCENARIO));

describe('having a tune over tensor parallel sizes 1, 2 and 4 on 10 GB cards', () => {
  const points = sweepPoints({ chunkSizes: [256, 1024], tensorParallelSizes: [1, 2, 4] });

  it('should label and group the points by card count, the chunk size varying fastest', () => {
    expect(points.map((point) => point.label)).toEqual(['chunk=256 tp=1', 'chunk=1024 tp=1', 'chunk=256 tp=2', 'chunk=1024 tp=2', 'chunk=256 tp=4', 'chunk=1024 tp=4']);
    expect(new Set(points.map((point) => point.group))).toEqual(new Set(['tp=1', 'tp=2', 'tp=4']));
  });

  it('should find one card infeasible before simulating, and pick per card count, then the fewest cards that meet the target', async () => {
    const scenario = parseScenario(SCENARIO, 'test');
    const { feasible, infeasible } = splitFeasible(scenario, dir, points);
    expect(infeasible.map((entry) => entry.point.label)).toEqual(['chunk=256 tp=1', 'chunk=1024 tp=1']);
    expect(infeasible[0]!.reason).toMatch(/^tensor_parallel_size 1 does not fit: each card needs [\d.]+ GB but has 10\.00 GB/);
    const results = await runSweep(scenario, dir, feasible, { workers: 0 });
    const candidates = results.map((result) => ({ label: result.point.label, report: result.report }));
    const itl = (label: string): number => candidates.find((candidate) => candidate.label === label)!.report.itl_s.p99 * 1000;
    // More cards, faster steps: a decode on four cards streams half the weights per card that two do.
    expect(itl('chunk=256 tp=4')).toBeLessThan(itl('chunk=256 tp=2'));

    const loose = recommendByCards(candidates, { itlP99Ms: itl('chunk=256 tp=2') + 1 }, [1, 2, 4], infeasible);
    expect(loose.perTensorParallelSize.map((choice) => choice.index === undefined ? undefined : candidates[choice.index]!.label)).toEqual([undefined, 'chunk=256 tp=2', 'chunk=256 tp=4']);
    expect(loose.perTensorParallelSize[0]!.message).toMatch(/^TP 1: infeasible — tensor_parallel_size 1 does not fit/);
    expect(candidates[loose.index!]!.label).toBe('chunk=256 tp=2');
    expect(loose.message).toMatch(/^Recommended: chunk=256 tp=2 on 2 card\(s\), the fewest that meet the targets/);

    const tight = recommendByCards(candidates, { itlP99Ms: (itl('chunk=256 tp=2') + itl('chunk=256 tp=4')) / 2 }, [1, 2, 4], infeasible);
    expect(candidates[tight.index!]!.label).toBe('chunk=256 tp=4');
    expect(tight.perTensorParallelSize[1]!.message).toMatch(/^TP 2: no setting meets the targets; closest chunk=256 tp=2 \(ITL p99 [\d.]+ ms > [\d.]+ ms\)\.$/);

    const none = recommendByCards(candidates, { itlP99Ms: 1 }, [1, 2, 4], infeasible);
    expect(none.index).toBeUndefined();
    expect(none.message).toMatch(/^No setting meets ITL p99 ≤ 1 ms/);
  });

  describe('when spyre sim tune runs with --tp 1,2,4 --out', () => {
    it('should print the line of every card count, and write them to sweep.json and report.html with a cards column', () => {
      const out = join(dir, 'tune');
      const stdout = execFileSync(process.execPath, [join(REPO_ROOT, 'bin/spyre.js'), 'sim', 'tune', scenarioPath, '--itl-p99', '120', '--chunk-sizes', '256,1024', '--tp', '1,2,4', '--workers', '0', '--out', out], { encoding: 'utf8', stdio: 'pipe' });
      expect(stdout).toMatch(/^TP 1: infeasible — tensor_parallel_size 1 does not fit/m);
      expect(stdout).toMatch(/^TP 2 \(2 cards\): best chunk=256 tp=2 — /m);
      expect(stdout).toMatch(/^TP 4 \(4 cards\): best chunk=256 tp=4 — /m);
      expect(stdout).toMatch(/^Recommended: chunk=256 tp=2 on 2 card\(s\)/m);
      const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { infeasible: { label: string }[]; recommendation: { perTensorParallelSize: unknown[] }; candidates: unknown[] };
      expect(sweep.infeasible.map((entry) => entry.label)).toEqual(['chunk=256 tp=1', 'chunk=1024 tp=1']);
      expect(sweep.recommendation.perTensorParallelSize).toHaveLength(3);
      expect(sweep.candidates).toHaveLength(4);
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toContain('<th>cards</th>');
      expect(html).toContain('<li>TP 1: infeasible — tensor_parallel_size 1 does not fit');
    });
  });
});
