import { describe, expect, it } from 'vitest';
import { bootstrapRefits, rangeOf } from '../../../sim/calibrate/bootstrapRefits.js';
import { Random } from '../../../sim/workload/random.js';

/**
 * A problem whose answer is known in closed form: figures y = θ·x + noise of size σ, residuals θ·x − y, one
 * figure per request. The least-squares slope has standard error σ / √Σx², so the bootstrap's 5–95% range
 * of the refitted θ should span about ±1.645 of it.
 */
function regression(numRequests: number, sigma: number, seed: number): { residualsAt: (point: readonly number[]) => Float64Array; slope: number; standardError: number } {
  const random = new Random(seed);
  const x = Float64Array.from({ length: numRequests }, () => 0.5 + random.uniform());
  const y = Float64Array.from(x, (value) => 2 * value + sigma * random.normal());
  let xy = 0;
  let xx = 0;
  for (let index = 0; index < numRequests; index++) {
    xy += x[index]! * y[index]!;
    xx += x[index]! ** 2;
  }
  const slope = xy / xx;
  let squared = 0;
  for (let index = 0; index < numRequests; index++) squared += (y[index]! - slope * x[index]!) ** 2;
  const residualSigma = Math.sqrt(squared / (numRequests - 1));
  return {
    residualsAt: (point) => Float64Array.from(x, (value, index) => point[0]! * value - y[index]!),
    slope,
    standardError: residualSigma / Math.sqrt(xx),
  };
}

describe('having bootstrap refits of a regression whose standard error is known', () => {
  const numRequests = 400;
  const problem = regression(numRequests, 0.3, 5);
  const kinds = new Uint8Array(numRequests);
  const requestOfFigure = Int32Array.from({ length: numRequests }, (_, index) => index);
  const options = { resamples: 200, seed: 3, maxEvaluationsPerRefit: 60, initialStep: 0.05, pointTolerance: 1e-5 };
  const refits = bootstrapRefits(problem.residualsAt, [problem.slope], kinds, requestOfFigure, numRequests, options);

  it('should spread the refitted slope over ±1.645 standard errors (5–95%), within a fifth', () => {
    const range = rangeOf(refits.map((point) => point[0]!));
    const halfWidth = (range.p95 - range.p5) / 2;
    expect(halfWidth / (1.645 * problem.standardError)).toBeGreaterThan(0.8);
    expect(halfWidth / (1.645 * problem.standardError)).toBeLessThan(1.2);
    expect(Math.abs(range.p50 - problem.slope)).toBeLessThan(0.3 * problem.standardError);
  });

  it('when run again with the same seed, should give the same refits; with another seed, others', () => {
    expect(bootstrapRefits(problem.residualsAt, [problem.slope], kinds, requestOfFigure, numRequests, options)).toEqual(refits);
    expect(bootstrapRefits(problem.residualsAt, [problem.slope], kinds, requestOfFigure, numRequests, { ...options, seed: 4 })).not.toEqual(refits);
  });
});
