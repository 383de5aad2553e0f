import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SPYRE_CARD_PROFILE } from '../../../src/device/deviceProfile.js';
import { PLAN_TEST_SCENARIO } from '../../support/planScenario.js';
import { REPO_ROOT } from '../../support/sharedPaths.js';

const SPYRE = join(REPO_ROOT, 'bin/spyre.js');
const dir = mkdtempSync(join(tmpdir(), 'spyre-plan-'));
const scenarioPath = join(dir, 'chat.scenario.json');
writeFileSync(scenarioPath, JSON.stringify(PLAN_TEST_SCENARIO));
const PLAN = ['sim', 'plan', scenarioPath, '--qps', '6', '--ttft-p99', '400', '--itl-p99', '120', '--chunk-sizes', '128,512', '--max-num-seqs', '2,4', '--max-replicas', '4', '--workers', '0'];

function spyre(args: readonly string[]): { stdout: string; stderr: string; status: number } {
  try {
    const stdout = execFileSync(process.execPath, [SPYRE, ...args], { encoding: 'utf8', cwd: '/', stdio: 'pipe' });
    return { stdout, stderr: '', status: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; status: number };
    return { stdout: failed.stdout, stderr: failed.stderr, status: failed.status };
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('having spyre sim plan', () => {
  describe('when the search runs in two shards and they are merged', () => {
    it('should write the same plan.json, plan.svg and plan.html as one unsharded run', () => {
      expect(spyre([...PLAN, '--out', join(dir, 'whole')]).status).toBe(0);
      for (const shard of ['1/2', '2/2']) expect(spyre([...PLAN, '--shard', shard, '--out', join(dir, 'shards')]).status).toBe(0);
      const merged = spyre(['sim', 'merge', ...['2', '1'].map((i) => join(dir, 'shards', `plan-shard-${i}-of-2.json`)), '--out', join(dir, 'merged')]);
      expect(merged.status).toBe(0);
      expect(merged.stdout).toContain('Cheapest fleet at 6 requests/s');
      for (const file of ['plan.json', 'plan.svg', 'plan.html']) expect(readFileSync(join(dir, 'merged', file), 'utf8')).toBe(readFileSync(join(dir, 'whole', file), 'utf8'));
      const plan = JSON.parse(readFileSync(join(dir, 'whole', 'plan.json'), 'utf8')) as { cheapest: number; results: { candidate: { index: number }; cards: number | null }[] };
      const cheapest = plan.results.find((result) => result.candidate.index === plan.cheapest)!;
      for (const result of plan.results) if (result.cards !== null) expect(result.cards).toBeGreaterThanOrEqual(cheapest.cards!);
    });
  });
});

describe('having a scenario whose model does not fit one card', () => {
  // Cards of 10 GB: granite-3.3-8b's 16.3 GB of fp16 weights need at least two of them.
  writeFileSync(join(dir, 'cards.json'), JSON.stringify({ ...SPYRE_CARD_PROFILE, name: 'small-cards', memoryBytesPerCard: 10e9 }));
  const smallCards = join(dir, 'granite-small-cards.scenario.json');
  writeFileSync(smallCards, JSON.stringify({ ...PLAN_TEST_SCENARIO, cost_model: { device: 'cards.json' } }));
  const search = ['sim', 'plan', smallCards, '--qps', '6', '--ttft-p99', '400', '--itl-p99', '200', '--chunk-sizes', '512', '--max-num-seqs', '4', '--max-replicas', '4', '--workers', '0'];

  describe('when --cards-per-replica sweeps 1 and 2', () => {
    it('should report TP 1 infeasible with the per-card figures, simulate nothing for it, and plan on TP 2', () => {
      const out = join(dir, 'small-cards');
      const planned = spyre([...search, '--cards-per-replica', '1,2', '--out', out]);
      expect(planned.status).toBe(0);
      expect(planned.stdout).toMatch(/^! TP1 chunk=512 seqs=4 +infeasible +– /m);
      expect(planned.stdout).toMatch(/^! TP1 chunk=512 seqs=4: infeasible — tensor_parallel_size 1 does not fit: each card needs [\d.]+ GB but has 10\.00 GB \(its weight shard 16\.34 GB/m);
      expect(planned.stdout).toMatch(/Cheapest fleet at 6 requests\/s: \d+ × TP2 chunk=512 seqs=4/);
      const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { results: { candidate: { tensorParallelSize: number }; replicas: number | null; probes: unknown[]; infeasible?: string }[] };
      const [one, two] = plan.results;
      expect(one).toMatchObject({ candidate: { tensorParallelSize: 1 }, replicas: null, probes: [] });
      expect(one?.infeasible).toMatch(/^tensor_parallel_size 1 does not fit/);
      expect(two?.infeasible).toBeUndefined();
      expect(two?.replicas).toBeGreaterThan(0);
      expect(readFileSync(join(out, 'plan.html'), 'utf8')).toContain('tensor_parallel_size 1 does not fit');
    });
  });

  describe('when every swept TP is infeasible', () => {
    it('should say no searched configuration can run on the cards, and exit 1', () => {
      const planned = spyre([...search, '--cards-per-replica', '1']);
      expect(planned.status).toBe(1);
      expect(planned.stdout).toContain('None of the searched configurations can run on the cards');
    });
  });
});
