import type { SimulationReport } from '../report/simulationReport.js';

/** One replica's share of a cluster run. */
export interface ReplicaSummary {
  readonly name: string;
  readonly max_num_batched_tokens: number;
  readonly max_num_seqs: number;
  readonly tensor_parallel_size: number;
  readonly cost_model: string;
  /** Requests the router sent it. */
  readonly requests: number;
  readonly completed: number;
  readonly ttft_p99_s: number;
  readonly busy_fraction: number;
  readonly prefix_hit_rate: number;
}

/** A cluster run's report: the fleet's figures as one engine's (every request counted once), plus the split. */
export interface ClusterReport extends SimulationReport {
  readonly cluster: {
    readonly router: string;
    /** Cards in the fleet: Σ tensor_parallel_size. */
    readonly cards: number;
    readonly replicas: readonly ReplicaSummary[];
  };
}

export function isClusterReport(report: SimulationReport): report is ClusterReport {
  return 'cluster' in report;
}
