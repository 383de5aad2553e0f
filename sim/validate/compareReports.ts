import { median } from '../report/percentiles.js';
import type { SimulationReport } from '../report/simulationReport.js';

/** One compared figure: measured (the median over repeated real runs), simulated, and the simulator's relative error. */
export interface ValidationRow {
  readonly metric: string;
  readonly measured: number;
  readonly simulated: number;
  /** simulated / measured − 1. */
  readonly relativeError: number;
  /** The figure in each real run, in run order. */
  readonly measuredRuns: readonly number[];
  /** How far the real runs spread: (max − min) / median; 0 for a single run. The machine's own noise. */
  readonly measuredSpread: number;
}

/**
 * The figures the validation goal names (TTFT p50/p99, ITL p50/p99, throughput) and the mean ITL, as
 * `vllm bench serve` reports it: under interleaved prefill the ITLs fall into two groups (decode steps
 * alone, and decode steps behind a prefill chunk), and when the p50 falls between them a small change in
 * the mix moves it far; the mean moves with the mix in proportion.
 */
const FIGURES: readonly (readonly [string, (report: SimulationReport) => number])[] = [
  ['TTFT p50 (s)', (report) => report.ttft_s.p50],
  ['TTFT p99 (s)', (report) => report.ttft_s.p99],
  ['ITL mean (s)', (report) => report.itl_s.mean],
  ['ITL p50 (s)', (report) => report.itl_s.p50],
  ['ITL p99 (s)', (report) => report.itl_s.p99],
  ['output tokens/s', (report) => report.throughput.output_tokens_per_s],
];

/** The simulation against one or more real runs of the same scenario (compared with their median). */
export function compareReports(measured: SimulationReport | readonly SimulationReport[], simulated: SimulationReport): ValidationRow[] {
  const runs = Array.isArray(measured) ? (measured as readonly SimulationReport[]) : [measured as SimulationReport];
  if (runs.length === 0) throw new Error('compareReports needs at least one measured run');
  return FIGURES.map(([metric, figure]) => {
    const measuredRuns = runs.map(figure);
    const real = median(measuredRuns);
    const sim = figure(simulated);
    return {
      metric,
      measured: real,
      simulated: sim,
      relativeError: real === 0 ? Number.NaN : sim / real - 1,
      measuredRuns,
      measuredSpread: real === 0 ? Number.NaN : (Math.max(...measuredRuns) - Math.min(...measuredRuns)) / real,
    };
  });
}

const percent = (value: number): string => `${(100 * value).toFixed(1)}%`;

/** A text table; with repeated real runs, one more column: how far they spread around their median. */
export function formatValidation(rows: readonly ValidationRow[]): string {
  const repeated = rows.some((row) => row.measuredRuns.length > 1);
  const header = `${'metric'.padEnd(16)} ${(repeated ? 'measured*' : 'measured').padStart(10)} ${'simulated'.padStart(10)} ${'error'.padStart(8)}${repeated ? ` ${'real spread'.padStart(12)}` : ''}`;
  const lines = rows.map((row) => `${row.metric.padEnd(16)} ${row.measured.toPrecision(4).padStart(10)} ${row.simulated.toPrecision(4).padStart(10)} ${percent(row.relativeError).padStart(8)}${repeated ? ` ${percent(row.measuredSpread).padStart(12)}` : ''}`);
  const footnote = repeated ? [`* median of ${rows[0]?.measuredRuns.length ?? 0} real runs; real spread = (max − min) / median over them`] : [];
  return [header, ...lines, ...footnote].join('\n');
}
