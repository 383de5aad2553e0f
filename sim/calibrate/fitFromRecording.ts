import type { EngineConfig } from '../../src/core/contracts/config.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import type { LinearCostCoefficients } from '../cost/linearCostModel.js';
import type { PrefillCostBasis } from '../cost/stepShape.js';
import { bootstrapRefits, rangeOf, type ParameterRange } from './bootstrapRefits.js';
import { figureResiduals, type FigureResiduals } from './figureResiduals.js';
import { nelderMead } from './nelderMead.js';
import { groupedLogLoss, RecordingObjective, weightedMeanSquare } from './recordingObjective.js';
import type { RecordedBenchResult } from './vllmBenchResult.js';

type CoefficientName = keyof LinearCostCoefficients;

export interface RecordingFitOptions {
  /** The engine configuration the recorded server ran (the file does not record it). */
  readonly config: EngineConfig;
  /** Where the search starts; every fitted coefficient must be positive here. */
  readonly start: LinearCostCoefficients;
  /** The coefficients to fit; the others keep their start values. */
  readonly fitted: readonly CoefficientName[];
  readonly basis?: PrefillCostBasis;
  /** Simulations the Nelder–Mead search may run (default 300). */
  readonly maxEvaluations?: number;
  /** Bootstrap resamples refitted for the uncertainty (default 20; 0: none), and their seed (default 1). */
  readonly bootstrapResamples?: number;
  readonly bootstrapSeed?: number;
}

/** What the bootstrap says of the fitted coefficients: each one's 5–50–95% points over the refits. */
export interface FitUncertainty {
  readonly resamples: number;
  readonly seed: number;
  readonly ranges: Readonly<Partial<Record<CoefficientName, ParameterRange>>>;
}

/** Simulations each stage ran: the simplex search, and the bootstrap's Jacobian and residuals at the optimum. */
export interface FitEvaluations {
  readonly search: number;
  readonly bootstrap: number;
}

export interface RecordingFit {
  readonly coefficients: Required<LinearCostCoefficients>;
  /** Root mean square of the per-request log errors of TTFT and mean ITL at the fitted point. */
  readonly rmsLogError: number;
  /** Root mean square of the per-request residuals of TTFT and mean ITL in seconds, at the fitted point. */
  readonly rmsResidualS: number;
  /** 1 − residual / spread of those recorded figures. */
  readonly rSquared: number;
  /** Figures compared: one TTFT per request and one mean ITL per request with two tokens or more. */
  readonly numFigures: number;
  /** Every simulation the fit ran, bootstrap included. */
  readonly evaluations: number;
  readonly evaluationsByStage: FitEvaluations;
  /** Undefined when no bootstrap was asked for. */
  readonly uncertainty: FitUncertainty | undefined;
  /** Residual error of TTFT p50/p99 and ITL mean/p50 at the fitted point. */
  readonly figures: FigureResiduals;
}

/** The first simplex stops when it has shrunk to 2% along every axis, the restarted one at 0.5%. */
const COARSE_TOLERANCE = 0.02;
const FINE_TOLERANCE = 0.005;
/** A bootstrap refit stops at 1% (its spread is what it measures, not a fourth digit), or after this many simulations. */
const REFIT_TOLERANCE = 0.01;
const REFIT_EVALUATIONS = 30;

/**
 * The inverse simulation: rebuilds the recorded workload once, simulates it under candidate coefficients and
 * minimises the error of every request's TTFT and mean ITL against the recording (groupedLogLoss: log errors,
 * TTFTs and ITLs as two groups each with its own noise).
 *
 * 1. Nelder–Mead over log-scale factors of the start point (so coefficients stay positive), stopped when the
 *    simplex has shrunk to 2% along every axis, then restarted from there with a smaller simplex (a simplex
 *    can collapse before it reaches the minimum) down to 0.5%.
 * 2. The bootstrap (sim/calibrate/bootstrapRefits.ts): B resamples of the requests, each refitted by
 *    Nelder–Mead from that optimum, for each coefficient's 5–50–95% points.
 *
 * Every simulated point is cached, so the refits' shared first simplex is simulated once. Deterministic: the
 * same recording and options give the same fit, ranges included.
 */
export function fitFromRecording(result: RecordedBenchResult, options: RecordingFitOptions): RecordingFit {
  const tooLong = result.requests.findIndex((request) => request.inputLength + request.outputLength > options.config.maxModelLen);
  if (tooLong >= 0) {
    const request = result.requests[tooLong]!;
    throw new EngineError('invalid_config', `recorded request ${tooLong} has ${request.inputLength} input and ${request.outputLength} output tokens, more than max_model_len ${options.config.maxModelLen} of the given config: the recorded server must have had a larger max_model_len; give its config`);
  }
  for (const name of options.fitted) {
    if (!((options.start[name] ?? 0) > 0)) throw new RangeError(`fitFromRecording: the start value of ${name} must be positive`);
  }
  const objective = new RecordingObjective(result, options.config, options.basis);
  const coefficientsAt = (logFactors: readonly number[]): LinearCostCoefficients => {
    const coefficients: Record<string, number | undefined> = { ...options.start };
    options.fitted.forEach((name, index) => (coefficients[name] = (options.start[name] ?? 0) * Math.exp(logFactors[index]!)));
    return coefficients as unknown as LinearCostCoefficients;
  };
  // Every simulated point's residuals are kept for the fit's duration: the bootstrap's refits all start from
  // the same simplex, and a simplex revisits points.
  const simulated = new Map<string, Float64Array>();
  const residualsAt = (logFactors: readonly number[]): Float64Array => {
    const key = logFactors.join(',');
    let residuals = simulated.get(key);
    if (residuals === undefined) {
      residuals = objective.simulate(coefficientsAt(logFactors)).logErrors;
      simulated.set(key, residuals);
    }
    return residuals;
  };

  const maxEvaluations = options.maxEvaluations ?? 300;
  const lossAt = (logFactors: readonly number[]): number => groupedLogLoss(residualsAt(logFactors), objective.kindOfFigure);
  const searchOptions = { initialStep: options.fitted.map(() => 0.5), maxEvaluations: Math.ceil(maxEvaluations / 2), valueTolerance: 1e-12, pointTolerance: COARSE_TOLERANCE };
  const first = nelderMead(lossAt, options.fitted.map(() => 0), searchOptions);
  const second = nelderMead(lossAt, first.point, { ...searchOptions, initialStep: options.fitted.map(() => 0.1), pointTolerance: FINE_TOLERANCE });
  const best = second.value <= first.value ? second : first;
  const searchEvaluations = simulated.size;

  const resamples = options.bootstrapResamples ?? 20;
  const seed = options.bootstrapSeed ?? 1;
  let uncertainty: FitUncertainty | undefined;
  if (resamples > 0) {
    const points = bootstrapRefits(residualsAt, best.point, objective.kindOfFigure, objective.requestOfFigure, result.requests.length, {
      resamples, seed, maxEvaluationsPerRefit: REFIT_EVALUATIONS, initialStep: 0.1, pointTolerance: REFIT_TOLERANCE,
    });
    const ranges: Partial<Record<CoefficientName, ParameterRange>> = {};
    options.fitted.forEach((name, axis) => {
      const start = options.start[name] ?? 0;
      ranges[name] = rangeOf(points.map((point) => start * Math.exp(point[axis]!)));
    });
    uncertainty = { resamples, seed, ranges };
  }
  const bootstrapEvaluations = simulated.size - searchEvaluations;

  const coefficients = coefficientsAt(best.point);
  const final = objective.simulate(coefficients, true);
  const finalFigures = objective.simulatedFigures(final.metrics);
  const recorded = objective.recorded;
  let meanRecorded = 0;
  for (const value of recorded) meanRecorded += value / recorded.length;
  let squaredResidual = 0;
  let squaredSpread = 0;
  for (let figure = 0; figure < recorded.length; figure++) {
    squaredResidual += (finalFigures[figure]! - recorded[figure]!) ** 2;
    squaredSpread += (recorded[figure]! - meanRecorded) ** 2;
  }
  return {
    coefficients: { decode_s: 0, ...coefficients } as Required<LinearCostCoefficients>,
    rmsLogError: Math.sqrt(weightedMeanSquare(final.logErrors)),
    rmsResidualS: Math.sqrt(squaredResidual / recorded.length),
    rSquared: squaredSpread > 0 ? 1 - squaredResidual / squaredSpread : 0,
    numFigures: recorded.length,
    evaluations: simulated.size + 1,
    evaluationsByStage: { search: searchEvaluations, bootstrap: bootstrapEvaluations },
    uncertainty,
    figures: figureResiduals(result, final),
  };
}
