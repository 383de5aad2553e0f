import type { EngineConfig } from '../../src/core/contracts/config.js';
import type { SimulationOutcome } from '../kernel/runSimulation.js';
import { GrowableFloat64 } from './growableSeries.js';
import { quantileOfSorted, summarizeSorted } from './percentiles.js';
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

/** Turns a finished simulation into its report (SPEC §8): latencies as vllm bench serve defines them. */
export function buildReport(outcome: SimulationOutcome, config: EngineConfig, costModelName: string): SimulationReport {
  const metrics = outcome.metrics;
  const ttft = new GrowableFloat64();
  const tpot = new GrowableFloat64();
  const e2e = new GrowableFloat64();
  const interrupt = new GrowableFloat64();
  let completed = 0;
  let rejected = 0;
  let failed = 0;
  let outputTokens = 0;
  let promptTokens = 0;
  let firstArrivalS = Number.POSITIVE_INFINITY;
  let lastEndS = 0;
  for (let index = 0; index < metrics.state.length; index++) {
    const state = metrics.state[index]!;
    if (state === 3) rejected++;
    if (state === 4) failed++;
    if (state !== 2) continue;
    completed++;
    const arrivalS = metrics.arrivalS[index]!;
    const endS = metrics.endS[index]!;
    const tokens = metrics.numOutputTokens[index]!;
    firstArrivalS = Math.min(firstArrivalS, arrivalS);
    lastEndS = Math.max(lastEndS, endS);
    outputTokens += tokens;
    promptTokens += metrics.numPromptTokens[index]!;
    e2e.push(endS - arrivalS);
    interrupt.push(metrics.prefillInterruptS[index]!);
    if (tokens === 0) continue;
    ttft.push(metrics.firstTokenS[index]! - arrivalS);
    if (tokens > 1) tpot.push((metrics.lastTokenS[index]! - metrics.firstTokenS[index]!) / (tokens - 1));
  }
  const durationS = completed === 0 ? 0 : lastEndS - firstArrivalS;
  const perSecond = (count: number): number => (durationS > 0 ? round(count / durationS) : 0);
  const itlSorted = metrics.interTokenS.sorted();
  const summary = (values: GrowableFloat64) => roundSummary(summarizeSorted(values.sorted()));
  const distribution = (sorted: Float64Array) => ({ q: ITL_QUANTILES, seconds: ITL_QUANTILES.map((q) => round(quantileOfSorted(sorted, q))) });
  const stats = outcome.stats;
  const timeline = metrics.occupancy;
  return {
    format: SIMULATION_REPORT_FORMAT,
    settings: reportSettings(config),
    cost_model: costModelName,
    requests: { total: metrics.state.length, completed, rejected, failed },
    duration_s: round(durationS),
    throughput: { requests_per_s: perSecond(completed), output_tokens_per_s: perSecond(outputTokens), total_tokens_per_s: perSecond(outputTokens + promptTokens) },
    ttft_s: summary(ttft),
    itl_s: roundSummary(summarizeSorted(itlSorted)),
    tpot_s: summary(tpot),
    e2e_s: summary(e2e),
    prefill_interrupt_s: summary(interrupt),
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
    itl_distribution: distribution(itlSorted),
    ttft_distribution: distribution(ttft.sorted()),
    e2e_distribution: distribution(e2e.sorted()),
    timeline: {
      time_s: timeline.timesS.map(round),
      kv_usage: timeline.values[0]!.map(round),
      waiting: timeline.values[1]!.slice(),
      running: timeline.values[2]!.slice(),
    },
  };
}

function roundSummary(summary: ReturnType<typeof summarizeSorted>): ReturnType<typeof summarizeSorted> {
  return { mean: round(summary.mean), p50: round(summary.p50), p90: round(summary.p90), p99: round(summary.p99), max: round(summary.max) };
}
