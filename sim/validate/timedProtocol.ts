import type { PerRequestTimings } from '../report/perRequestTimings.js';

/** The real engine of a timed validation: a model on the sendnn emulator, its engine settings and the device profile file. */
export interface TimedServerSetup {
  readonly modelDir: string;
  readonly profilePath: string;
  readonly tensorParallelSize: number;
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
}

/** One load of `spyre bench serve`: random prompts of exact lengths at a Poisson rate. */
export interface TimedLoad {
  readonly label: string;
  readonly numPrompts: number;
  readonly inputLen: number;
  readonly outputLen: number;
  readonly rangeRatio: number;
  readonly requestRate: number;
  readonly seed: number;
}

/** What a run gives the figures, real or simulated, counted as `vllm bench serve` counts them. */
export interface LatencySamples {
  /** Per request, send to its first token. */
  readonly ttftS: readonly number[];
  /** Every gap between two tokens of a request. */
  readonly itlS: readonly number[];
  /** Per request of more than one token: (latency − TTFT) / (tokens − 1). */
  readonly tpotS: readonly number[];
  readonly outputTokens: number;
  /** Start of the load to the last request's end. */
  readonly durationS: number;
}

/**
 * A simulated run's samples as the client would have measured them: TTFT and latency count from the send,
 * so the front-end latency (send → engine arrival and the first chunk back) is added to each; the duration
 * runs from the load's start (time 0, before the first arrival) to the last end. `gapsS` is every gap between
 * two tokens of a request, exactly (the report's histograms keep them only approximately).
 */
export function samplesOfSimulation(metrics: PerRequestTimings, gapsS: readonly number[], frontendS: number): LatencySamples {
  const ttftS: number[] = [];
  const tpotS: number[] = [];
  let outputTokens = 0;
  let lastEndS = 0;
  for (let index = 0; index < metrics.arrivalS.length; index++) {
    if (metrics.state[index] !== 2) continue;
    const tokens = metrics.numOutputTokens[index]!;
    outputTokens += tokens;
    lastEndS = Math.max(lastEndS, metrics.endS[index]!);
    if (tokens === 0) continue;
    ttftS.push(metrics.firstTokenS[index]! - metrics.arrivalS[index]! + frontendS);
    if (tokens > 1) tpotS.push((metrics.lastTokenS[index]! - metrics.firstTokenS[index]!) / (tokens - 1));
  }
  return { ttftS, itlS: [...gapsS].sort((a, b) => a - b), tpotS, outputTokens, durationS: lastEndS + frontendS };
}

/** numpy.percentile's default (linear between closest ranks), as vLLM bench reports. */
export function percentileOf(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low]! + (sorted[Math.ceil(rank)]! - sorted[low]!) * (rank - low);
}

const meanOf = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);

/** One figure of the protocol and its target (largest relative error that passes). */
export interface TimedFigure {
  readonly name: string;
  readonly unit: 'ms' | 'tok/s';
  readonly target: number;
  readonly of: (samples: LatencySamples) => number;
}

/** The figures issue 14 names, with its targets: ITL, TPOT and throughput within 2%, TTFT p50 5%, p99 10%. */
export const TIMED_FIGURES: readonly TimedFigure[] = [
  { name: 'ITL mean', unit: 'ms', target: 0.02, of: (s) => 1000 * meanOf(s.itlS) },
  { name: 'ITL p50', unit: 'ms', target: 0.02, of: (s) => 1000 * percentileOf(s.itlS, 50) },
  { name: 'TPOT mean', unit: 'ms', target: 0.02, of: (s) => 1000 * meanOf(s.tpotS) },
  { name: 'output throughput', unit: 'tok/s', target: 0.02, of: (s) => s.outputTokens / s.durationS },
  { name: 'TTFT p50', unit: 'ms', target: 0.05, of: (s) => 1000 * percentileOf(s.ttftS, 50) },
  { name: 'TTFT p99', unit: 'ms', target: 0.1, of: (s) => 1000 * percentileOf(s.ttftS, 99) },
];

/** `meets`: within the target; `inside the real spread`: outside it, but within the real runs' min–max; `misses`: neither. */
export type TimedVerdict = 'meets' | 'inside the real spread' | 'misses';

export interface TimedRow {
  readonly figure: string;
  readonly unit: string;
  /** Median over the real runs. */
  readonly real: number;
  readonly realRuns: readonly number[];
  readonly realMin: number;
  readonly realMax: number;
  /** Median over the simulations (one per real run, of that run's actual send times). */
  readonly simulated: number;
  readonly simulatedRuns: readonly number[];
  /** simulated / real − 1. */
  readonly error: number;
  readonly target: number;
  readonly verdict: TimedVerdict;
}

const medianOf = (values: readonly number[]): number => percentileOf(values, 50);

/**
 * The simulated figures (the median over the simulations given, e.g. one per real run) against the real runs'
 * (their median, and their min–max as the spread).
 */
export function compareTimed(real: readonly LatencySamples[], simulated: LatencySamples | readonly LatencySamples[]): TimedRow[] {
  if (real.length === 0) throw new Error('compareTimed needs at least one real run');
  const simulations = Array.isArray(simulated) ? (simulated as readonly LatencySamples[]) : [simulated as LatencySamples];
  return TIMED_FIGURES.map((figure) => {
    const realRuns = real.map(figure.of);
    const median = medianOf(realRuns);
    const simulatedRuns = simulations.map(figure.of);
    const sim = medianOf(simulatedRuns);
    const error = sim / median - 1;
    const realMin = Math.min(...realRuns);
    const realMax = Math.max(...realRuns);
    const verdict: TimedVerdict = Math.abs(error) <= figure.target ? 'meets' : sim >= realMin && sim <= realMax ? 'inside the real spread' : 'misses';
    return { figure: figure.name, unit: figure.unit, real: median, realRuns, realMin, realMax, simulated: sim, simulatedRuns, error, target: figure.target, verdict };
  });
}

const pct = (value: number): string => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)}%`;

/** The error table as text, one row per figure. */
export function formatTimedRows(rows: readonly TimedRow[]): string {
  const header = `${'figure'.padEnd(18)} ${'real'.padStart(10)} ${'real min–max'.padStart(19)} ${'simulated'.padStart(10)} ${'error'.padStart(7)} ${'target'.padStart(7)}  verdict`;
  const lines = rows.map((row) => {
    const digits = row.unit === 'ms' ? 2 : 1;
    const spread = `${row.realMin.toFixed(digits)}–${row.realMax.toFixed(digits)}`;
    return `${`${row.figure} (${row.unit})`.padEnd(18)} ${row.real.toFixed(digits).padStart(10)} ${spread.padStart(19)} ${row.simulated.toFixed(digits).padStart(10)} ${pct(row.error).padStart(7)} ${`±${(100 * row.target).toFixed(0)}%`.padStart(7)}  ${row.verdict}`;
  });
  return [header, ...lines].join('\n');
}
