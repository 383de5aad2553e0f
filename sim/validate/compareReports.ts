import type { SimulationReport } from '../report/simulationReport.js';

/** One compared figure: measured, simulated, and the simulator's relative error. */
export interface ValidationRow {
  readonly metric: string;
  readonly measured: number;
  readonly simulated: number;
  /** simulated / measured − 1. */
  readonly relativeError: number;
}

/** The figures the validation goal names: TTFT p50/p99, ITL p50/p99 and throughput. */
export function compareReports(measured: SimulationReport, simulated: SimulationReport): ValidationRow[] {
  const rows: [string, number, number][] = [
    ['TTFT p50 (s)', measured.ttft_s.p50, simulated.ttft_s.p50],
    ['TTFT p99 (s)', measured.ttft_s.p99, simulated.ttft_s.p99],
    ['ITL p50 (s)', measured.itl_s.p50, simulated.itl_s.p50],
    ['ITL p99 (s)', measured.itl_s.p99, simulated.itl_s.p99],
    ['output tokens/s', measured.throughput.output_tokens_per_s, simulated.throughput.output_tokens_per_s],
  ];
  return rows.map(([metric, real, sim]) => ({ metric, measured: real, simulated: sim, relativeError: real === 0 ? Number.NaN : sim / real - 1 }));
}

export function formatValidation(rows: readonly ValidationRow[]): string {
  const lines = rows.map((row) => `${row.metric.padEnd(16)} ${row.measured.toPrecision(4).padStart(10)} ${row.simulated.toPrecision(4).padStart(10)} ${`${(100 * row.relativeError).toFixed(1)}%`.padStart(8)}`);
  return [`${'metric'.padEnd(16)} ${'measured'.padStart(10)} ${'simulated'.padStart(10)} ${'error'.padStart(8)}`, ...lines].join('\n');
}
