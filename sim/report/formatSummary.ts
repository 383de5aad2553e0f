import type { SimulationReport } from './simulationReport.js';

const ms = (seconds: number): string => (seconds * 1000).toFixed(1);

/** A few lines for the terminal: what a person checks first. */
export function formatSummary(report: SimulationReport): string {
  return [
    `requests: ${report.requests.completed}/${report.requests.total} completed (${report.requests.rejected} rejected) in ${report.duration_s.toFixed(2)} s simulated`,
    `throughput: ${report.throughput.requests_per_s.toFixed(3)} req/s, ${report.throughput.output_tokens_per_s.toFixed(1)} output tok/s`,
    `TTFT ms: mean ${ms(report.ttft_s.mean)} p50 ${ms(report.ttft_s.p50)} p90 ${ms(report.ttft_s.p90)} p99 ${ms(report.ttft_s.p99)}`,
    `ITL ms: mean ${ms(report.itl_s.mean)} p50 ${ms(report.itl_s.p50)} p90 ${ms(report.itl_s.p90)} p99 ${ms(report.itl_s.p99)}`,
    `TPOT ms: mean ${ms(report.tpot_s.mean)} p50 ${ms(report.tpot_s.p50)} p99 ${ms(report.tpot_s.p99)}; E2E s: p50 ${report.e2e_s.p50.toFixed(2)} p99 ${report.e2e_s.p99.toFixed(2)}`,
    `prefill interrupt ms per request: mean ${ms(report.prefill_interrupt_s.mean)} p99 ${ms(report.prefill_interrupt_s.p99)}; prefix hit rate ${(100 * report.prefix_cache.hit_rate).toFixed(1)}%`,
    `steps: ${report.steps.prefill} prefill, ${report.steps.decode} decode, ${report.steps.idle} idle; cost model ${report.cost_model}`,
  ].join('\n');
}

/** One row per sweep point: the columns a tuning decision reads. */
export function formatSweepTable(rows: readonly { readonly label: string; readonly report: SimulationReport; readonly mark?: string }[]): string {
  const header = ['setting', 'out tok/s', 'req/s', 'TTFT p50', 'TTFT p99', 'ITL p50', 'ITL p99', 'done'];
  const lines = rows.map((row) => [
    `${row.mark ?? ' '} ${row.label}`,
    row.report.throughput.output_tokens_per_s.toFixed(1),
    row.report.throughput.requests_per_s.toFixed(3),
    ms(row.report.ttft_s.p50),
    ms(row.report.ttft_s.p99),
    ms(row.report.itl_s.p50),
    ms(row.report.itl_s.p99),
    `${row.report.requests.completed}/${row.report.requests.total}`,
  ]);
  const table = [[`  ${header[0]}`, ...header.slice(1)], ...lines];
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  return table.map((line) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n') + '\n(latencies in ms)';
}
