import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/sharedPaths.js';
import { buildTinyModel, type TinyModelDir } from '../../support/tinyModel.js';

const SPYRE = join(REPO_ROOT, 'bin/spyre.js');

interface Row { figure: string; realRuns: number[]; realMin: number; realMax: number; realMedian: number; simulated: number; inside: boolean }
interface Validation {
  format: string;
  repeats: number;
  inside_the_band: { calibration_fit: { inside: number; total: number }; in_situ_fit: { inside: number; total: number } };
  workloads: { label: string; rows: Row[]; in_situ_rows: Row[] }[];
}

let tiny: TinyModelDir;
let work: string;
let scenarioPath: string;

beforeAll(() => {
  tiny = buildTinyModel();
  work = mkdtempSync(join(tmpdir(), 'spyre-eager-band-'));
  scenarioPath = join(work, 'band.scenario.json');
  writeFileSync(scenarioPath, JSON.stringify({
    config: { max_model_len: 256, max_num_seqs: 2, max_num_batched_tokens: 64 },
    workload: { num_requests: 6, seed: 3, arrival: { process: 'poisson', rate: 100 }, prompt_len: { dist: 'fixed', value: 20 }, output_len: { dist: 'fixed', value: 4 } },
  }));
});
afterAll(() => {
  tiny.remove();
  rmSync(work, { recursive: true, force: true });
});

function spyre(args: string[]): string {
  return execFileSync(process.execPath, [SPYRE, 'sim', 'validate', ...args, '--model', tiny.dir], { encoding: 'utf8', stdio: 'pipe' });
}

describe('spyre sim validate --against eager-band', () => {
  it('should check every figure of every workload against the min–max band of its real runs and count how many lie inside', () => {
    const out = join(work, 'out');
    const stdout = spyre([scenarioPath, '--against', 'eager-band', '--repeats', '3', '--requests', '8', '--workloads', 'light,overloaded', '--out', out]);
    const validation = JSON.parse(readFileSync(join(out, 'validation.json'), 'utf8')) as Validation;
    expect(validation.format).toBe('spyre-sim-eager-band-validation/1');
    expect(validation.workloads.map((workload) => workload.label)).toEqual(['light', 'overloaded']);
    let inside = 0;
    for (const workload of validation.workloads) {
      expect(workload.rows.map((row) => row.figure)).toEqual(['ITL mean', 'ITL p50', 'TPOT mean', 'output throughput', 'TTFT p50', 'TTFT p99']);
      for (const row of [...workload.rows, ...workload.in_situ_rows]) {
        // Three real runs, each a real measurement (no two runs of a noisy machine give the same ITL mean bit for bit).
        expect(row.realRuns).toHaveLength(3);
        expect(row.realRuns.every((value) => Number.isFinite(value) && value > 0)).toBe(true);
        expect(row.realMin).toBe(Math.min(...row.realRuns));
        expect(row.realMax).toBe(Math.max(...row.realRuns));
        expect(row.realMedian).toBe([...row.realRuns].sort((a, b) => a - b)[1]);
        expect(row.inside).toBe(row.simulated >= row.realMin && row.simulated <= row.realMax);
      }
      expect(new Set(workload.rows[0]!.realRuns).size).toBeGreaterThan(1);
      inside += workload.rows.filter((row) => row.inside).length;
    }
    expect(validation.inside_the_band.calibration_fit).toEqual({ inside, total: 12 });
    expect(stdout).toContain(`with the calibration run's fit, inside the band: ${inside} of 12 figures`);
    expect(stdout).toMatch(/TTFT p99 \(ms\).*(inside|outside) the band/);
    const html = readFileSync(join(out, 'validation.html'), 'utf8');
    expect(html).toContain(`calibration fit: inside the band: ${inside} of 12 figures`);
    expect(html).toContain('class="real"');
  });

  it('should refuse a scenario without a generated open-loop workload, saying what it needs', () => {
    const listed = join(work, 'listed.scenario.json');
    writeFileSync(listed, JSON.stringify({ config: { max_num_seqs: 2 }, requests: [{ id: 'a', arrival_time: 0, prompt: { length: 8, seed: 1 }, max_tokens: 2 }] }));
    let stderr = '';
    try {
      spyre([listed, '--against', 'eager-band']);
    } catch (error) {
      stderr = String((error as { stderr: string }).stderr);
    }
    expect(stderr).toContain('--against eager-band needs a scenario with a generated open-loop workload');
  });
});
