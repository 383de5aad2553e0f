import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateWorkload, streamWorkload } from '../../../sim/workload/generateWorkload.js';
import { lengthSampler, type LengthDistribution } from '../../../sim/workload/lengthDistribution.js';
import { PromptBuilder } from '../../../sim/workload/promptTokens.js';
import { Random } from '../../../sim/workload/random.js';
import { generatorWorkloadSchema, type GeneratorWorkloadSpec } from '../../../sim/workload/workloadSchema.js';

function moments(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

function spec(overrides: Partial<Record<string, unknown>>): GeneratorWorkloadSpec {
  return generatorWorkloadSchema.parse({
    num_requests: 1000,
    seed: 5,
    arrival: { process: 'poisson', rate: 4 },
    prompt_len: { dist: 'fixed', value: 100 },
    output_len: { dist: 'fixed', value: 10 },
    ...overrides,
  });
}

function gaps(workload: ReturnType<typeof generateWorkload>): number[] {
  return workload.requests.slice(1).map((request, index) => request.arrivalTimeS - workload.requests[index]!.arrivalTimeS);
}

function draw(distribution: LengthDistribution, n: number): number[] {
  const sample = lengthSampler(distribution, '.', 'test');
  const random = new Random(3);
  return Array.from({ length: n }, () => sample(random));
}

describe('having arrival processes', () => {
  describe('when arrivals are Poisson at 4/s', () => {
    it('should have exponential gaps: mean 0.25 s and coefficient of variation 1', () => {
      const { mean, std } = moments(gaps(generateWorkload(spec({ num_requests: 40_000 }), '.')));
      expect(mean).toBeGreaterThan(0.25 * 0.98);
      expect(mean).toBeLessThan(0.25 * 1.02);
      expect(std / mean).toBeGreaterThan(0.97);
      expect(std / mean).toBeLessThan(1.03);
    });
  });

  for (const burstiness of [0.25, 4]) {
    describe(`when arrivals are gamma at 4/s with burstiness ${burstiness}`, () => {
      it(`should keep the mean gap at 1/rate and have CV² = 1/burstiness, as vllm bench serve`, () => {
        const { mean, std } = moments(gaps(generateWorkload(spec({ num_requests: 60_000, arrival: { process: 'gamma', rate: 4, burstiness } }), '.')));
        expect(Math.abs(mean / 0.25 - 1)).toBeLessThan(0.03);
        expect(Math.abs((std / mean) ** 2 * burstiness - 1)).toBeLessThan(0.06);
      });
    });
  }

  describe('when the loop is closed', () => {
    it('should carry the concurrency and no arrival times', () => {
      const workload = generateWorkload(spec({ arrival: { process: 'closed', concurrency: 8 } }), '.');
      expect(workload.closedLoopConcurrency).toBe(8);
      expect(workload.requests.every((request) => request.arrivalTimeS === 0)).toBe(true);
    });
  });
});

describe('having length distributions', () => {
  it('should draw normal lengths with the given mean and deviation', () => {
    const { mean, std } = moments(draw({ dist: 'normal', mean: 500, std: 100 }, 40_000));
    expect(Math.abs(mean / 500 - 1)).toBeLessThan(0.01);
    expect(Math.abs(std / 100 - 1)).toBeLessThan(0.03);
  });

  it('should draw lognormal lengths whose own mean and deviation are the given ones', () => {
    const { mean, std } = moments(draw({ dist: 'lognormal', mean: 600, std: 400 }, 60_000));
    expect(Math.abs(mean / 600 - 1)).toBeLessThan(0.02);
    expect(Math.abs(std / 400 - 1)).toBeLessThan(0.06);
  });

  it('should draw uniform integers covering both ends', () => {
    const values = draw({ dist: 'uniform', min: 10, max: 20 }, 20_000);
    expect(Math.min(...values)).toBe(10);
    expect(Math.max(...values)).toBe(20);
    expect(Math.abs(moments(values).mean - 15)).toBeLessThan(0.1);
  });

  it('should draw empirical lengths only from the sample, about equally often', () => {
    const values = draw({ dist: 'empirical', values: [10, 20, 70] }, 30_000);
    for (const length of [10, 20, 70]) expect(Math.abs(values.filter((value) => value === length).length / 30_000 - 1 / 3)).toBeLessThan(0.015);
    expect(values.every((value) => [10, 20, 70].includes(value))).toBe(true);
  });

  it('should read an empirical sample from a file, as a JSON array or one number per line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spyre-lengths-'));
    writeFileSync(join(dir, 'lengths.json'), '[5, 9]');
    writeFileSync(join(dir, 'lengths.txt'), '5\n9\n\n');
    for (const file of ['lengths.json', 'lengths.txt']) {
      const sample = lengthSampler({ dist: 'empirical', file }, dir, 'test');
      const random = new Random(1);
      const values = new Set(Array.from({ length: 200 }, () => sample(random)));
      expect([...values].sort()).toEqual([5, 9]);
    }
  });

  it('should clamp to min and max', () => {
    const values = draw({ dist: 'normal', mean: 100, std: 1000, min: 50, max: 150 }, 2000);
    expect(Math.min(...values)).toBe(50);
    expect(Math.max(...values)).toBe(150);
  });
});

describe('having a seeded generator', () => {
  it('should give the same requests for the same seed and different ones for another', () => {
    const lognormal = { prompt_len: { dist: 'lognormal', mean: 300, std: 200 }, arrival: { process: 'gamma', rate: 2, burstiness: 0.5 } };
    expect(generateWorkload(spec(lognormal), '.')).toEqual(generateWorkload(spec(lognormal), '.'));
    expect(generateWorkload(spec({ ...lognormal, seed: 6 }), '.').requests).not.toEqual(generateWorkload(spec(lognormal), '.').requests);
  });

  it('should, streamed, build the same requests on demand in any order of asking (earlier ones regenerated)', () => {
    const big = spec({ num_requests: 10_000, prompt_len: { dist: 'uniform', min: 16, max: 512 }, shared_prefix: { groups: 3, length: 16 } });
    const listed = generateWorkload(big, '.').requests;
    const streamed = streamWorkload(big, '.').requests;
    expect(streamed.length).toBe(10_000);
    for (const index of [9_999, 3, 5_000, 4_999, 0, 9_998]) expect(streamed.at(index)).toEqual(listed[index]);
    expect(streamed.at(10_000)).toBeUndefined();
    expect(new Set(listed.map((request) => request.promptLength)).size).toBeGreaterThan(100);
  });

  describe('when requests share prefixes', () => {
    it('should start every prompt of a group with the same tokens and add its own prompt_len after them', () => {
      const workload = generateWorkload(spec({ num_requests: 40, shared_prefix: { groups: 3, length: 128 } }), '.');
      const prompts = new PromptBuilder(workload);
      const byGroup = new Map<number, (readonly number[])[]>();
      for (const request of workload.requests) {
        const tokens = prompts.promptTokensOf(request);
        expect(tokens.length).toBe(228);
        byGroup.set(request.prefixGroup, [...(byGroup.get(request.prefixGroup) ?? []), tokens]);
      }
      expect([...byGroup.keys()].sort()).toEqual([0, 1, 2]);
      const prefixes = [...byGroup.values()].map((group) => {
        for (const tokens of group) expect(tokens.slice(0, 128)).toEqual(group[0]!.slice(0, 128));
        return group[0]!.slice(0, 128).join(',');
      });
      expect(new Set(prefixes).size).toBe(3);
      const first = byGroup.get(0)!;
      expect(first[0]!.slice(128)).not.toEqual(first[1]!.slice(128));
    });
  });
});
