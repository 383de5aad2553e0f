import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_RELATIVE_ERROR, LatencyHistogram } from '../../sim/report/latencyHistogram.js';
import { quantileOfSorted } from '../../sim/report/percentiles.js';

const QUANTILES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.995, 0.999, 1];

/** Latency-like samples: a lognormal around `scaleS` with occasional exact repeats and zeros. */
const samples = fc
  .record({
    scaleS: fc.constantFrom(1e-4, 0.03, 2, 400),
    spread: fc.double({ min: 0.05, max: 3, noNaN: true }),
    normals: fc.array(fc.tuple(fc.double({ min: 1e-9, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 400 }),
  })
  .map(({ scaleS, spread, normals }) =>
    normals.map(([u, v, kind]) => (kind === 0 ? 0 : kind === 1 ? scaleS : scaleS * Math.exp(spread * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)))),
  );

function exactQuantiles(values: readonly number[]): number[] {
  const sorted = values.slice().sort((a, b) => a - b);
  return QUANTILES.map((q) => quantileOfSorted(sorted, q));
}

describe('LatencyHistogram', () => {
  it('should give every quantile within its stated relative error of the exact sample quantile, and the exact mean, min and max', () => {
    fc.assert(
      fc.property(samples, (values) => {
        const histogram = new LatencyHistogram();
        for (const value of values) histogram.record(value);
        const approximate = histogram.quantiles(QUANTILES);
        exactQuantiles(values).forEach((exact, index) => {
          expect(Math.abs(approximate[index]! - exact)).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR * exact * (1 + 1e-12)); // slack: the rounding of the midpoint itself
        });
        const sum = values.reduce((total, value) => total + value, 0);
        expect(histogram.summary().mean).toBe(sum / values.length);
        expect(histogram.summary().max).toBe(Math.max(...values));
        expect(histogram.quantiles([0])[0]).toBe(Math.min(...values));
      }),
      { seed: 14, numRuns: 400 },
    );
  });

  it('should, merged from parts, give the same quantiles as one histogram of all the values', () => {
    fc.assert(
      fc.property(samples, fc.integer({ min: 0, max: 400 }), (values, cut) => {
        const whole = new LatencyHistogram();
        const left = new LatencyHistogram();
        const right = new LatencyHistogram();
        values.forEach((value, index) => {
          whole.record(value);
          (index < cut ? left : right).record(value);
        });
        left.merge(right);
        expect(left.quantiles(QUANTILES)).toEqual(whole.quantiles(QUANTILES));
        expect(left.count).toBe(whole.count);
      }),
      { seed: 15, numRuns: 200 },
    );
  });

  it('should be exact on a sample of one repeated value, and all zeros when empty', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 1000; i++) histogram.record(0.028944);
    expect(histogram.quantiles(QUANTILES)).toEqual(QUANTILES.map(() => 0.028944));
    expect(new LatencyHistogram().summary()).toEqual({ mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it('should refuse a negative or NaN latency', () => {
    expect(() => new LatencyHistogram().record(-1)).toThrow(/non-negative/);
    expect(() => new LatencyHistogram().record(Number.NaN)).toThrow(/non-negative/);
  });
});
