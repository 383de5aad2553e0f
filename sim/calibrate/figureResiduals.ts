import type { PerRequestTimings } from '../report/perRequestTimings.js';
import type { RequestMetrics } from '../report/requestMetrics.js';
import { quantileOfSorted } from '../report/percentiles.js';
import type { SimulatedRecording } from './recordingObjective.js';
import type { RecordedBenchResult } from './vllmBenchResult.js';

/** One summary figure, recorded and simulated at the fitted point, seconds. */
export interface FigureResidual {
  readonly recordedS: number;
  readonly simulatedS: number;
  /** simulated / recorded − 1. */
  readonly relativeError: number;
}

/** The figures users compare (vLLM bench serve's summary): TTFT p50 and p99, ITL mean and p50. */
export interface FigureResiduals {
  readonly ttftP50: FigureResidual;
  readonly ttftP99: FigureResidual;
  readonly itlMean: FigureResidual;
  readonly itlP50: FigureResidual;
}

interface Summary {
  readonly ttftP50: number;
  readonly ttftP99: number;
  readonly itlMean: number;
  readonly itlP50: number;
}

function summaryOf(ttfts: Float64Array, itls: Float64Array): Summary {
  ttfts.sort();
  itls.sort();
  const itlSum = itls.reduce((sum, gap) => sum + gap, 0);
  return {
    ttftP50: quantileOfSorted(ttfts, 0.5),
    ttftP99: quantileOfSorted(ttfts, 0.99),
    itlMean: itls.length === 0 ? 0 : itlSum / itls.length,
    itlP50: quantileOfSorted(itls, 0.5),
  };
}

/** Every gap of every request: its own gaps, or (a perf log keeps only the mean) its mean once per gap. */
function expandedGaps(means: ArrayLike<number>, counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let index = 0; index < counts.length; index++) if (!Number.isNaN(means[index]!)) total += Math.max(0, counts[index]!);
  const gaps = new Float64Array(total);
  let at = 0;
  for (let index = 0; index < counts.length; index++) {
    if (Number.isNaN(means[index]!)) continue;
    for (let gap = 0; gap < counts[index]!; gap++) gaps[at++] = means[index]!;
  }
  return gaps;
}

/**
 * The residual error per summary figure at the fitted point. ITLs are compared token by token where the
 * recording keeps every gap (a bench result); where it keeps one mean per request (a perf log), both sides
 * count each request's mean once per gap, so the two figures are computed alike.
 */
export function figureResiduals(result: RecordedBenchResult, simulation: SimulatedRecording): FigureResiduals {
  const { metrics } = simulation;
  const recordedGaps = result.itlsPerToken
    ? Float64Array.from(result.requests.flatMap((request) => request.itlsS))
    : expandedGaps(result.requests.map((request) => request.meanItlS), result.requests.map((request) => request.outputLength - 1));
  const recorded = summaryOf(Float64Array.from(result.requests, (request) => request.ttftS), recordedGaps);
  const timings = perRequestOf(metrics);
  const numRequests = timings.arrivalS.length;
  const simulatedTtfts = Float64Array.from({ length: numRequests }, (_, position) => timings.firstTokenS[position]! - timings.arrivalS[position]!);
  const simulatedMeans = Float64Array.from({ length: numRequests }, (_, position) =>
    timings.numOutputTokens[position]! < 2 ? NaN : (timings.lastTokenS[position]! - timings.firstTokenS[position]!) / (timings.numOutputTokens[position]! - 1));
  const perMean = summaryOf(simulatedTtfts, expandedGaps(simulatedMeans, Int32Array.from(timings.numOutputTokens, (count) => count - 1)));
  const simulated = result.itlsPerToken ? summaryOf(simulatedTtfts, Float64Array.from(exactGapsOf(simulation))) : perMean;
  const residual = (name: keyof Summary): FigureResidual => ({
    recordedS: recorded[name],
    simulatedS: simulated[name],
    relativeError: recorded[name] > 0 ? simulated[name] / recorded[name] - 1 : 0,
  });
  return { ttftP50: residual('ttftP50'), ttftP99: residual('ttftP99'), itlMean: residual('itlMean'), itlP50: residual('itlP50') };
}

function exactGapsOf(simulation: SimulatedRecording): readonly number[] {
  if (simulation.gapsS === undefined) throw new Error('figureResiduals compares token by token: simulate with withGaps');
  return simulation.gapsS;
}

/** The per-request timings a fit's simulations keep (`keepPerRequest`). */
export function perRequestOf(metrics: RequestMetrics): PerRequestTimings {
  if (metrics.perRequest === undefined) throw new Error('a fit simulates with keepPerRequest: the per-request timings are missing');
  return metrics.perRequest;
}
