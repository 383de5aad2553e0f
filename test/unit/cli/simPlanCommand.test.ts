import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
