import type { EngineConfig } from '../../src/core/contracts/config.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import { LinearCostModel, type LinearCostCoefficients } from '../cost/linearCostModel.js';
import type { PrefillCostBasis } from '../cost/stepShape.js';
import { runSimulation } from '../kernel/runSimulation.js';
import { requestList, type SimWorkload } from '../workload/simRequest.js';
import { nelderMead } from './nelderMead.js';
import type { RecordedBenchResult } from './vllmBenchResult.js';
import { recordedWorkload } from './recordedWorkload.js';

type CoefficientName = keyof LinearCostCoefficients;

export interface RecordingFitOptions {
  /** The engine configuration the recorded server ran (the file does not record it). */
  readonly config: EngineConfig;
  /** Where the search starts; every fitted coefficient must be positive here. */
  readonly start: LinearCostCoefficients;
  /** The coefficients to fit; the others keep their start values. */
  readonly fitted: readonly CoefficientName[];
  readonly basis?: PrefillCostBasis;
  /** Simulations the search may run (default 600). */
  readonly maxEvaluations?: number;
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
  readonly evaluations: number;
}

/** Per request, in the recording's order: recorded TTFT and mean ITL (NaN without two output tokens). */
function recordedFigures(result: RecordedBenchResult): { ttftS: Float64Array; itlS: Float64Array } {
  const ttftS = Float64Array.from(result.requests, (request) => request.ttftS);
  const itlS = Float64Array.from(result.requests, (request) =>
    request.itlsS.length === 0 ? NaN : request.itlsS.reduce((sum, gap) => sum + gap, 0) / request.itlsS.length);
  return { ttftS, itlS };
}

/** A positive figure's error on a log scale, so a request twice too slow and one twice too fast weigh alike. */
function logError(simulated: number, recorded: number): number {
  return Math.log(Math.max(simulated, 1e-9) / Math.max(recorded, 1e-9));
}

/**
 * The inverse simulation: rebuilds the recorded workload, simulates it under candidate coefficients and
 * minimises the per-request error of TTFT and mean ITL against the recording (Nelder–Mead over log-scale
 * factors of the start point, so coefficients stay positive; one restart from the first optimum, as a
 * simplex can collapse before it reaches the minimum). Deterministic: the same recording and options give
 * the same fit.
 */
export function fitFromRecording(result: RecordedBenchResult, options: RecordingFitOptions): RecordingFit {
  const tooLong = result.requests.findIndex((request) => request.inputLength + request.outputLength > options.config.maxModelLen);
  if (tooLong >= 0) {
    const request = result.requests[tooLong]!;
    throw new EngineError('invalid_config', `recorded request ${tooLong} has ${request.inputLength} input and ${request.outputLength} output tokens, more than max_model_len ${options.config.maxModelLen} of the given config: the recorded server must have had a larger max_model_len; give its config`);
  }
  const workload: SimWorkload = recordedWorkload(result);
  const recorded = recordedFigures(result);
  const positionOfRecorded = requestList(workload.requests).map((request) => Number(request.id));
  const coefficientsAt = (logFactors: readonly number[]): LinearCostCoefficients => {
    const coefficients: Record<string, number | undefined> = { ...options.start };
    options.fitted.forEach((name, index) => (coefficients[name] = (options.start[name] ?? 0) * Math.exp(logFactors[index]!)));
    return coefficients as unknown as LinearCostCoefficients;
  };
  /** Simulated and recorded figures, pooled: every request's TTFT, then the mean ITL of each with two tokens or more. */
  const pairsAt = (logFactors: readonly number[]): { simulated: number[]; recorded: number[] } => {
    const timings = runSimulation({ config: options.config, workload, costModel: new LinearCostModel(coefficientsAt(logFactors), 'fit', options.basis), keepPerRequest: true }).metrics.perRequest!;
    const simulated: number[] = [];
    const recordedFigure: number[] = [];
    for (let position = 0; position < positionOfRecorded.length; position++) {
      const index = positionOfRecorded[position]!;
      simulated.push(timings.firstTokenS[position]! - timings.arrivalS[position]!);
      recordedFigure.push(recorded.ttftS[index]!);
      const numGaps = timings.numOutputTokens[position]! - 1;
      if (numGaps > 0 && !Number.isNaN(recorded.itlS[index]!)) {
        simulated.push((timings.lastTokenS[position]! - timings.firstTokenS[position]!) / numGaps);
        recordedFigure.push(recorded.itlS[index]!);
      }
    }
    return { simulated, recorded: recordedFigure };
  };
  const objective = (logFactors: readonly number[]): number => {
    const pairs = pairsAt(logFactors);
    return pairs.simulated.reduce((sum, value, index) => sum + logError(value, pairs.recorded[index]!) ** 2, 0) / pairs.simulated.length;
  };
  for (const name of options.fitted) {
    if (!((options.start[name] ?? 0) > 0)) throw new RangeError(`fitFromRecording: the start value of ${name} must be positive`);
  }
  const maxEvaluations = options.maxEvaluations ?? 600;
  const searchOptions = { initialStep: options.fitted.map(() => 0.5), maxEvaluations: Math.ceil(maxEvaluations / 2), valueTolerance: 1e-10 };
  const first = nelderMead(objective, options.fitted.map(() => 0), searchOptions);
  const second = nelderMead(objective, first.point, { ...searchOptions, initialStep: options.fitted.map(() => 0.1) });
  const best = second.value <= first.value ? second : first;
  const coefficients = coefficientsAt(best.point);
  const pairs = pairsAt(best.point);
  const meanRecorded = pairs.recorded.reduce((sum, value) => sum + value, 0) / pairs.recorded.length;
  const squaredResidual = pairs.simulated.reduce((sum, value, index) => sum + (value - pairs.recorded[index]!) ** 2, 0);
  const squaredSpread = pairs.recorded.reduce((sum, value) => sum + (value - meanRecorded) ** 2, 0);
  return {
    rmsResidualS: Math.sqrt(squaredResidual / pairs.simulated.length),
    rSquared: squaredSpread > 0 ? 1 - squaredResidual / squaredSpread : 0,
    numFigures: pairs.simulated.length,
    coefficients: { decode_s: 0, ...coefficients } as Required<LinearCostCoefficients>,
    rmsLogError: Math.sqrt(best.value),
    evaluations: first.evaluations + second.evaluations,
  };
}
