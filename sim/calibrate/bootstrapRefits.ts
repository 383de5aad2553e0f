import { quantileOfSorted } from '../report/percentiles.js';
import { Random } from '../workload/random.js';
import { nelderMead } from './nelderMead.js';
import { groupedLogLoss } from './recordingObjective.js';

/** Residuals of the fit at a point (one simulation, or a cached one). */
export type ResidualFunction = (point: readonly number[]) => Float64Array;

export interface BootstrapOptions {
  /** Resamples to refit (B). */
  readonly resamples: number;
  readonly seed: number;
  /** Simulations each refit may run (a refit re-simulates nothing its residual function has cached). */
  readonly maxEvaluationsPerRefit: number;
  /** Size of each refit's first simplex and where it stops, on the fit's scale. */
  readonly initialStep: number;
  readonly pointTolerance: number;
}

/**
 * How far the fit would move had the recording held other requests from the same population: B resamples of
 * the recorded requests, drawn with replacement (a request drawn twice weighs twice, with both its TTFT and
 * its ITL), each refitted by Nelder–Mead from the full fit's optimum on the real simulation. Only the weights
 * change between resamples, so every refit starts from the same simplex (simulated once, if `residualsAt`
 * caches). Returns each resample's optimum, on the fit's scale. The draws come from one seeded generator, so
 * the outcome is repeatable.
 */
export function bootstrapRefits(
  residualsAt: ResidualFunction,
  optimum: readonly number[],
  kindOfFigure: Uint8Array,
  requestOfFigure: Int32Array,
  numRequests: number,
  options: BootstrapOptions,
): number[][] {
  const random = new Random(options.seed);
  const counts = new Float64Array(numRequests);
  const weights = new Float64Array(requestOfFigure.length);
  const points: number[][] = [];
  for (let resample = 0; resample < options.resamples; resample++) {
    counts.fill(0);
    for (let draw = 0; draw < numRequests; draw++) counts[random.integer(0, numRequests - 1)]! += 1;
    for (let figure = 0; figure < weights.length; figure++) weights[figure] = counts[requestOfFigure[figure]!]!;
    const refit = nelderMead((point) => groupedLogLoss(residualsAt(point), kindOfFigure, weights), optimum, {
      initialStep: optimum.map(() => options.initialStep),
      maxEvaluations: options.maxEvaluationsPerRefit,
      valueTolerance: 1e-12,
      pointTolerance: options.pointTolerance,
    });
    points.push([...refit.point]);
  }
  return points;
}

/** The 5%, 50% and 95% points of one parameter across resamples. */
export interface ParameterRange {
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
}

export function rangeOf(values: readonly number[]): ParameterRange {
  const sorted = [...values].sort((a, b) => a - b);
  return { p5: quantileOfSorted(sorted, 0.05), p50: quantileOfSorted(sorted, 0.5), p95: quantileOfSorted(sorted, 0.95) };
}
