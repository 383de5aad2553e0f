import { median } from '../report/percentiles.js';
import type { SimulationReport } from '../report/simulationReport.js';

/** One figure of the eager band protocol, read from a report (real or simulated, measured alike). */
export interface BandFigure {
  readonly name: string;
  readonly unit: 'ms' | 'tok/s';
  readonly of: (report: SimulationReport) => number;
}

/** The figures issue 14 names for the eager engine: ITL mean and p50, TPOT mean, throughput, TTFT p50 and p99. */
export const BAND_FIGURES: readonly BandFigure[] = [
  { name: 'ITL mean', unit: 'ms', of: (report) => 1000 * report.itl_s.mean },
  { name: 'ITL p50', unit: 'ms', of: (report) => 1000 * report.itl_s.p50 },
  { name: 'TPOT mean', unit: 'ms', of: (report) => 1000 * report.tpot_s.mean },
  { name: 'output throughput', unit: 'tok/s', of: (report) => report.throughput.output_tokens_per_s },
  { name: 'TTFT p50', unit: 'ms', of: (report) => 1000 * report.ttft_s.p50 },
  { name: 'TTFT p99', unit: 'ms', of: (report) => 1000 * report.ttft_s.p99 },
];

/** One figure: the real runs' band (min–max) and median, the simulated figure, and whether it lies in the band. */
export interface BandRow {
  readonly figure: string;
  readonly unit: string;
  readonly realRuns: readonly number[];
  readonly realMin: number;
  readonly realMax: number;
  readonly realMedian: number;
  readonly simulated: number;
  /** simulated / median − 1. */
  readonly error: number;
  /** realMin ≤ simulated ≤ realMax (the band's edges count as inside). */
  readonly inside: boolean;
}

/** The band verdict of one figure: its real values (one per run) against the simulated one. */
export function bandRow(figure: string, unit: string, realRuns: readonly number[], simulated: number): BandRow {
  if (realRuns.length === 0) throw new Error(`bandRow needs at least one real run (figure ${figure})`);
  const realMin = Math.min(...realRuns);
  const realMax = Math.max(...realRuns);
  const realMedian = median(realRuns);
  return { figure, unit, realRuns, realMin, realMax, realMedian, simulated, error: simulated / realMedian - 1, inside: simulated >= realMin && simulated <= realMax };
}

/** Every figure of BAND_FIGURES: the real runs' reports against one simulated report. */
export function compareBand(real: readonly SimulationReport[], simulated: SimulationReport): BandRow[] {
  if (real.length === 0) throw new Error('compareBand needs at least one real run');
  return BAND_FIGURES.map((figure) => bandRow(figure.name, figure.unit, real.map(figure.of), figure.of(simulated)));
}

/** "inside the band: k of n figures", counted over every row of every workload given. */
export function countInside(rowsPerWorkload: readonly (readonly BandRow[])[]): { readonly inside: number; readonly total: number } {
  const rows = rowsPerWorkload.flat();
  return { inside: rows.filter((row) => row.inside).length, total: rows.length };
}

export const insideText = (count: { readonly inside: number; readonly total: number }): string => `inside the band: ${count.inside} of ${count.total} figures`;

const pct = (value: number): string => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)}%`;

/** The band table as text, one row per figure. */
export function formatBandRows(rows: readonly BandRow[]): string {
  const header = `${'figure'.padEnd(24)} ${'real median'.padStart(11)} ${'real min–max'.padStart(19)} ${'simulated'.padStart(10)} ${'vs median'.padStart(9)}  verdict`;
  const lines = rows.map((row) => {
    const digits = row.unit === 'ms' ? 2 : 1;
    const band = `${row.realMin.toFixed(digits)}–${row.realMax.toFixed(digits)}`;
    return `${`${row.figure} (${row.unit})`.padEnd(24)} ${row.realMedian.toFixed(digits).padStart(11)} ${band.padStart(19)} ${row.simulated.toFixed(digits).padStart(10)} ${pct(row.error).padStart(9)}  ${row.inside ? 'inside the band' : 'outside the band'}`;
  });
  return [header, ...lines].join('\n');
}
