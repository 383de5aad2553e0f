import type { BenchMetrics, LatencySummaryMs } from './benchMetrics.js';

function row(label: string, value: string | number): string {
  return `${label.padEnd(40)} ${typeof value === 'number' ? value.toFixed(2) : value}`;
}

function section(title: string): string {
  const width = 50;
  const left = Math.floor((width - title.length) / 2);
  return `${'-'.repeat(left)}${title}${'-'.repeat(width - left - title.length)}`;
}

function latencyRows(short: string, summary: LatencySummaryMs): string[] {
  return [row(`Mean ${short} (ms):`, summary.mean), row(`Median ${short} (ms):`, summary.median), row(`P99 ${short} (ms):`, summary.p99)];
}

/** The result table, laid out as `vllm bench serve` prints it. */
export function formatBenchTable(metrics: BenchMetrics, maxConcurrency: number | undefined, requestRate: number): string {
  return [
    `${'='.repeat(12)} Serving Benchmark Result ${'='.repeat(12)}`,
    row('Successful requests:', String(metrics.completed)),
    row('Failed requests:', String(metrics.failed)),
    ...(maxConcurrency !== undefined ? [row('Maximum request concurrency:', String(maxConcurrency))] : []),
    row('Request rate configured (RPS):', Number.isFinite(requestRate) ? requestRate.toFixed(2) : 'inf'),
    row('Benchmark duration (s):', metrics.durationS),
    row('Total input tokens:', String(metrics.totalInputTokens)),
    row('Total generated tokens:', String(metrics.totalOutputTokens)),
    row('Request throughput (req/s):', metrics.requestThroughput),
    row('Output token throughput (tok/s):', metrics.outputThroughput),
    row('Total Token throughput (tok/s):', metrics.totalTokenThroughput),
    section('Time to First Token'),
    ...latencyRows('TTFT', metrics.ttftMs),
    section('Time per Output Token (excl. 1st token)'),
    ...latencyRows('TPOT', metrics.tpotMs),
    section('Inter-token Latency'),
    ...latencyRows('ITL', metrics.itlMs),
    section('End-to-end Latency'),
    ...latencyRows('E2EL', metrics.e2elMs),
    '='.repeat(50),
  ].join('\n');
}
