import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/sharedPaths.js';
import { buildTinyModel, type TinyModelDir } from '../../support/tinyModel.js';

const SPYRE = join(REPO_ROOT, 'bin/spyre.js');

let tiny: TinyModelDir;
let work: string;
let scenarioPath: string;

beforeAll(() => {
  tiny = buildTinyModel();
  work = mkdtempSync(join(tmpdir(), 'spyre-validate-'));
  scenarioPath = join(work, 'burst.scenario.json');
  writeFileSync(scenarioPath, JSON.stringify({
    config: { max_model_len: 256, max_num_seqs: 2, max_num_batched_tokens: 64 },
    workload: { num_requests: 6, seed: 3, arrival: { process: 'poisson', rate: 200 }, prompt_len: { dist: 'fixed', value: 20 }, output_len: { dist: 'fixed', value: 4 } },
  }));
});
afterAll(() => {
  tiny.remove();
  rmSync(work, { recursive: true, force: true });
});

function spyre(args: string[]): string {
  return execFileSync(process.execPath, [SPYRE, 'sim', 'validate', scenarioPath, '--model', tiny.dir, ...args], { encoding: 'utf8', stdio: 'pipe' });
}

describe('spyre sim validate', () => {
  describe('with --repeats 2', () => {
    it('should run the real engine twice, compare with the median, show the real spread and write one report per run', () => {
      const out = join(work, 'out');
      const stdout = spyre(['--repeats', '2', '--out', out]);
      expect(stdout).toContain('real spread');
      expect(stdout).toContain('median of 2 real runs');
      expect(stdout).toContain('(6/6, 6/6 requests measured)');
      expect(readdirSync(out).sort()).toEqual(['in-situ-profile.json', 'measured-1.json', 'measured-2.json', 'validation.json']);
      for (const name of ['measured-1.json', 'measured-2.json']) expect(JSON.parse(readFileSync(join(out, name), 'utf8')).format).toBe('spyre-sim-report/1');
      const [inSitu] = JSON.parse(readFileSync(join(out, 'validation.json'), 'utf8')) as { rows: { metric: string; measuredRuns: number[] }[] }[];
      expect(inSitu?.rows.map((row) => row.measuredRuns.length)).toEqual([2, 2, 2, 2, 2, 2]);
    });
  });

  describe('with --repeats 0', () => {
    it('should refuse it, naming the flag and what it expects', () => {
      let stderr = '';
      try {
        spyre(['--repeats', '0']);
      } catch (error) {
        stderr = String((error as { stderr: string }).stderr);
      }
      expect(stderr).toContain("option '--repeats <n>' argument '0' is invalid");
      expect(stderr).toContain('expected a positive integer');
    });
  });
});
