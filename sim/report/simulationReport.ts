import type { LatencySummary } from './percentiles.js';

export const SIMULATION_REPORT_FORMAT = 'spyre-sim-report/1';

/** The engine settings a report was produced with: what a sweep varies. */
export interface ReportSettings {
  readonly max_num_batched_tokens: number;
  readonly max_num_seqs: number;
  readonly interleave: boolean;
  readonly max_model_len: number;
  readonly enable_prefix_caching: boolean;
  readonly num_blocks: number;
  /** Cards per engine (the roofline cost models price the step on them). */
  readonly tensor_parallel_size: number;
}

/**
 * What `spyre sim run` writes as report.json. Times in seconds. Deterministic: no wall-clock figures, so
 * the same scenario and seed give the same bytes.
 */
export interface SimulationReport {
  readonly format: typeof SIMULATION_REPORT_FORMAT;
  readonly settings: ReportSettings;
  readonly cost_model: string;
  readonly requests: { readonly total: number; readonly completed: number; readonly rejected: number; readonly failed: number };
  /** First arrival to last request end. */
  readonly duration_s: number;
  readonly throughput: { readonly requests_per_s: number; readonly output_tokens_per_s: number; readonly total_tokens_per_s: number };
  readonly ttft_s: LatencySummary;
  readonly itl_s: LatencySummary;
  readonly tpot_s: LatencySummary;
  readonly e2e_s: LatencySummary;
  /** Per request: time spent decoding-but-stalled behind other requests' prefill chunks. */
  readonly prefill_interrupt_s: LatencySummary;
  readonly prefix_cache: { readonly queried_tokens: number; readonly hit_tokens: number; readonly hit_rate: number };
  readonly steps: { readonly prefill: number; readonly decode: number; readonly idle: number; readonly busy_fraction: number };
  /** ITL quantiles for plotting its distribution (q from 0 to 1). */
  readonly itl_distribution: { readonly q: readonly number[]; readonly seconds: readonly number[] };
  /** TTFT and E2E quantiles at the same q, for plots. */
  readonly ttft_distribution: { readonly q: readonly number[]; readonly seconds: readonly number[] };
  readonly e2e_distribution: { readonly q: readonly number[]; readonly seconds: readonly number[] };
  /** KV usage (0..1) and queue lengths over time, downsampled (each point: the max over its samples). */
  readonly timeline: { readonly time_s: readonly number[]; readonly kv_usage: readonly number[]; readonly waiting: readonly number[]; readonly running: readonly number[] };
}
