import type { ClusterReport } from './clusterReport.js';

/** The fleet's split for the terminal: one line per replica under the router's name. */
export function formatClusterSummary(report: ClusterReport): string {
  const lines = report.cluster.replicas.map(
    (replica) =>
      `  ${replica.name}: ${replica.requests} requests (${replica.completed} completed), chunk ${replica.max_num_batched_tokens}, seqs ${replica.max_num_seqs}, TP ${replica.tensor_parallel_size}, ` +
      `TTFT p99 ${(replica.ttft_p99_s * 1000).toFixed(1)} ms, busy ${(100 * replica.busy_fraction).toFixed(0)}%, prefix hit ${(100 * replica.prefix_hit_rate).toFixed(1)}%`,
  );
  return [`cluster: ${report.cluster.replicas.length} replicas (${report.cluster.cards} cards) behind ${report.cluster.router}`, ...lines].join('\n');
}
