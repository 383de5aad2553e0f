import type { EngineConfig } from '../../src/core/contracts/config.js';
import { LinearCostModel, type LinearCostCoefficients } from '../cost/linearCostModel.js';
import type { PrefillCostBasis } from '../cost/stepShape.js';
import { runSimulation } from '../kernel/runSimulation.js';
import type { StepTraceLine } from '../../src/core/contracts/trace.js';
import type { RequestMetrics } from '../report/requestMetrics.js';
import { requestList, type SimWorkload } from '../workload/simRequest.js';
import { perRequestOf } from './figureResiduals.js';
import { recordedWorkload } from './recordedWorkload.js';
import type { RecordedBenchResult } from './vllmBenchResult.js';

/** One simulation of the recorded workload: its per-figure log errors against the recording, and its metrics. */
export interface SimulatedRecording {
  /** log(simulated / recorded) per figure, in the order of `RecordingObjective.recorded`. */
  readonly logErrors: Float64Array;
  readonly metrics: RequestMetrics;
  /** Every gap between two tokens of a request, seconds (when asked for). */
  readonly gapsS?: readonly number[];
}

/**
 * The figures a recording is fitted to and the simulation that reproduces them: one TTFT per request, then
 * the mean ITL of each request with two output tokens or more. The workload is rebuilt once and every
 * candidate simulates that same workload; only the cost model changes.
 */
export class RecordingObjective {
  readonly workload: SimWorkload;
  /** Recorded value of every figure, seconds. */
  readonly recorded: Float64Array;
  /** Which recorded request each figure belongs to (a bootstrap resamples requests, with both their figures). */
  readonly requestOfFigure: Int32Array;
  /** Where that request sits in the simulated workload (arrival order). */
  private readonly positionOfFigure: Int32Array;
  /** 0 for a TTFT figure, 1 for a mean ITL figure. */
  readonly kindOfFigure: Uint8Array;

  constructor(
    readonly result: RecordedBenchResult,
    private readonly config: EngineConfig,
    private readonly basis: PrefillCostBasis | undefined,
  ) {
    this.workload = recordedWorkload(result);
    const positionOfRequest = new Int32Array(result.requests.length);
    requestList(this.workload.requests).forEach((request, position) => (positionOfRequest[Number(request.id)] = position));
    const recorded: number[] = [];
    const requestOf: number[] = [];
    const kinds: number[] = [];
    result.requests.forEach((request, index) => {
      recorded.push(request.ttftS);
      requestOf.push(index);
      kinds.push(0);
    });
    result.requests.forEach((request, index) => {
      if (request.outputLength < 2 || Number.isNaN(request.meanItlS)) return;
      recorded.push(request.meanItlS);
      requestOf.push(index);
      kinds.push(1);
    });
    this.recorded = Float64Array.from(recorded);
    this.requestOfFigure = Int32Array.from(requestOf);
    this.positionOfFigure = Int32Array.from(requestOf, (index) => positionOfRequest[index]!);
    this.kindOfFigure = Uint8Array.from(kinds);
  }

  get numFigures(): number {
    return this.recorded.length;
  }

  /**
   * Simulates the workload under `coefficients` and compares every figure with the recording. With
   * `withGaps`, also every gap between two tokens of a request, exactly (read from the step trace; the
   * report's ITL histogram keeps them within its stated error only).
   */
  simulate(coefficients: LinearCostCoefficients, withGaps = false): SimulatedRecording {
    const lastTokenS = new Map<string, number>();
    const gapsS: number[] = [];
    const onTrace = (line: StepTraceLine): void => {
      for (const id of line.outputs) {
        const previousS = lastTokenS.get(id);
        if (previousS !== undefined) gapsS.push(line.time - previousS);
        lastTokenS.set(id, line.time);
      }
    };
    const { metrics } = runSimulation({
      config: this.config, workload: this.workload, costModel: new LinearCostModel(coefficients, 'fit', this.basis), keepPerRequest: true,
      ...(withGaps ? { onTrace } : {}),
    });
    return { logErrors: this.logErrorsOf(metrics), metrics, ...(withGaps ? { gapsS } : {}) };
  }

  /** Simulated value of every figure, seconds (NaN for a request the simulation never answered). */
  simulatedFigures(metrics: RequestMetrics): Float64Array {
    const timings = perRequestOf(metrics);
    const simulated = new Float64Array(this.numFigures);
    for (let figure = 0; figure < simulated.length; figure++) {
      const position = this.positionOfFigure[figure]!;
      const firstS = timings.firstTokenS[position]!;
      simulated[figure] = this.kindOfFigure[figure] === 0
        ? firstS - timings.arrivalS[position]!
        : (timings.lastTokenS[position]! - firstS) / (timings.numOutputTokens[position]! - 1);
    }
    return simulated;
  }

  /**
   * Each figure's error on a log scale, so a request twice too slow and one twice too fast weigh alike;
   * a figure the simulation did not produce counts as a large error (log 10⁹).
   */
  private logErrorsOf(metrics: RequestMetrics): Float64Array {
    const simulated = this.simulatedFigures(metrics);
    const errors = new Float64Array(simulated.length);
    for (let figure = 0; figure < errors.length; figure++) {
      const value = simulated[figure]!;
      errors[figure] = Number.isFinite(value) ? Math.log(Math.max(value, 1e-9) / Math.max(this.recorded[figure]!, 1e-9)) : Math.log(1e9);
    }
    return errors;
  }
}

/** Mean of the squared entries, each weighted (all weights 1 when omitted). */
export function weightedMeanSquare(values: Float64Array, weights?: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let index = 0; index < values.length; index++) {
    const weight = weights === undefined ? 1 : weights[index]!;
    sum += weight * values[index]! ** 2;
    total += weight;
  }
  return total > 0 ? sum / total : 0;
}


/**
 * What the fit minimises: the TTFT figures and the ITL figures as two groups with noise of their own size,
 * each unknown — the Gaussian likelihood with one variance per group, maximised over those variances, leaves
 * n_TTFT·log(MSE_TTFT) + n_ITL·log(MSE_ITL) (here divided by the count). A request's TTFT moves by a whole
 * step when a change of the coefficients moves it across a step boundary, so TTFT errors are ten times the
 * ITL errors; in one pooled mean square they would drown what the ITLs say about the decode step, while this
 * weighs each group by how well it can be matched. Weights (a bootstrap's counts) weigh figures within groups.
 */
export function groupedLogLoss(errors: Float64Array, kinds: Uint8Array, weights?: Float64Array): number {
  const sums = [0, 0];
  const totals = [0, 0];
  for (let figure = 0; figure < errors.length; figure++) {
    const weight = weights === undefined ? 1 : weights[figure]!;
    const kind = kinds[figure]!;
    sums[kind]! += weight * errors[figure]! ** 2;
    totals[kind]! += weight;
  }
  let loss = 0;
  let count = 0;
  for (let kind = 0; kind < 2; kind++) {
    if (totals[kind]! === 0) continue;
    loss += totals[kind]! * Math.log(Math.max(sums[kind]! / totals[kind]!, 1e-300));
    count += totals[kind]!;
  }
  return loss / count;
}
