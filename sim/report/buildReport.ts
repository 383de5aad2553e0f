import type { EngineConfig } from '../../src/core/contracts/config.js';
import type { SimulationOutcome } from '../kernel/runSimulation.js';
import type { LatencyHistogram } from './latencyHistogram.js';
import type { LatencySummary } from './percentiles.js';
import { SIMULATION_REPORT_FORMAT, type ReportSettings, type SimulationReport } from './simulationReport.js';

const ITL_QUANTILES = [...Array.from({ length: 101 }, (_, index) => index / 100), 0.995, 0.999].sort((a, b) => a - b);

/** Six significant digits: plots need no more, and the JSON stays small. */
function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
}

export function reportSettings(config: EngineConfig): ReportSettings {
  return {
    max_num_batched_tokens: config.maxNumBatchedTokens,
    max_num_seqs: config.maxNumSeqs,
    interleave: config.interleaveSteps,
    max_model_len: config.maxModelLen,
    enable_prefix_caching: config.enablePrefixCaching,
    num_blocks: config.numBlocks,
    tensor_parallel_size: config.tensorParallelSize,
  };
}

/**
 * Turns a finished simulation into its report (SPEC §8): latencies as vllm bench serve defines them, read
 * from the run's fixed-size histograms (quantiles within HISTOGRAM_RELATIVE_ERROR; means, maxima and counts exact).
 */
export function buildReport(outcome: SimulationOutcome, config: EngineConfig, costModelName: string): SimulationReport {
  const metrics = outcome.metrics;
  const completed = metrics.numCompleted;
  const durationS = completed === 0 ? 0 : metrics.lastEndS - metrics.firstArrivalS;
  const perSecond = (count: number): number => (durationS > 0 ? round(count / durationS) : 0);
  const summary = (histogram: LatencyHistogram) => roundSummary(histogram.summary());
  const distribution = (histogram: LatencyHistogram) => ({ q: ITL_QUANTILES, seconds: histogram.quantiles(ITL_QUANTILES).map(round) });
  const stats = outcome.stats;
  const timeline = metrics.occupancy;
  return {
    format: SIMULATION_REPORT_FORMAT,
    settings: reportSettings(config),
    cost_model: costModelName,
    requests: { total: metrics.numRequests, completed, rejected: metrics.numRejected, failed: metrics.numFailed },
    duration_s: round(durationS),
    throughput: {
      requests_per_s: perSecond(completed),
      output_tokens_per_s: perSecond(metrics.numOutputTokens),
      total_tokens_per_s: perSecond(metrics.numOutputTokens + metrics.numPromptTokens),
    },
    ttft_s: summary(metrics.ttft),
    itl_s: summary(metrics.interToken),
    tpot_s: summary(metrics.tpot),
    e2e_s: summary(metrics.e2e),
    prefill_interrupt_s: summary(metrics.prefillInterrupt),
    prefix_cache: {
      queried_tokens: stats.prefixCacheQueriedTokens,
      hit_tokens: stats.prefixCacheHitTokens,
      hit_rate: stats.prefixCacheQueriedTokens === 0 ? 0 : round(stats.prefixCacheHitTokens / stats.prefixCacheQueriedTokens),
    },
    steps: {
      prefill: metrics.numPrefillSteps,
      decode: metrics.numDecodeSteps,
      idle: metrics.numIdleSteps,
      busy_fraction: outcome.endTimeS > 0 ? round(metrics.busyS / outcome.endTimeS) : 0,
    },
    itl_distribution: distribution(metrics.interToken),
    ttft_distribution: distribution(metrics.ttft),
    e2e_distribution: distribution(metrics.e2e),
    timeline: {
      time_s: timeline.timesS.map(round),
      kv_usage: timeline.values[0]!.map(round),
      waiting: timeline.values[1]!.slice(),
      running: timeline.values[2]!.slice(),
    },
  };
}

function roundSummary(summary: LatencySummary): LatencySummary {
  return { mean: round(summary.mean), p50: round(summary.p50), p90: round(summary.p90), p99: round(summary.p99), max: round(summary.max) };
}
