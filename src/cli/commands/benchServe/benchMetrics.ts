import type { RequestOutcome } from './benchClient.js';

export interface LatencySummaryMs {
  readonly mean: number;
  readonly median: number;
  readonly std: number;
  readonly p99: number;
}

/** vLLM bench serve's figures over a run (latencies in milliseconds). */
export interface BenchMetrics {
  readonly completed: number;
  readonly failed: number;
  readonly durationS: number;
  readonly totalInputTokens: number;
  readonly totalOutputTokens: number;
  readonly requestThroughput: number;
  readonly outputThroughput: number;
  readonly totalTokenThroughput: number;
  readonly ttftMs: LatencySummaryMs;
  readonly tpotMs: LatencySummaryMs;
  readonly itlMs: LatencySummaryMs;
  readonly e2elMs: LatencySummaryMs;
}

/** numpy.percentile's default (linear interpolation between closest ranks). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = (q / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low);
}

export function summarizeMs(valuesS: readonly number[]): LatencySummaryMs {
  if (valuesS.length === 0) return { mean: 0, median: 0, std: 0, p99: 0 };
  const ms = valuesS.map((value) => value * 1000).sort((a, b) => a - b);
  const mean = ms.reduce((sum, value) => sum + value, 0) / ms.length;
  const std = Math.sqrt(ms.reduce((sum, value) => sum + (value - mean) ** 2, 0) / ms.length);
  return { mean, median: percentile(ms, 50), std, p99: percentile(ms, 99) };
}

export function computeBenchMetrics(outcomes: readonly RequestOutcome[], durationS: number): BenchMetrics {
  const done = outcomes.filter((outcome) => outcome.success);
  const totalInputTokens = done.reduce((sum, outcome) => sum + outcome.promptLen, 0);
  const totalOutputTokens = done.reduce((sum, outcome) => sum + outcome.outputTokens, 0);
  const tpots = done.filter((outcome) => outcome.outputTokens > 1).map((outcome) => (outcome.latencyS - outcome.ttftS) / (outcome.outputTokens - 1));
  return {
    completed: done.length,
    failed: outcomes.length - done.length,
    durationS,
    totalInputTokens,
    totalOutputTokens,
    requestThroughput: done.length / durationS,
    outputThroughput: totalOutputTokens / durationS,
    totalTokenThroughput: (totalInputTokens + totalOutputTokens) / durationS,
    ttftMs: summarizeMs(done.map((outcome) => outcome.ttftS)),
    tpotMs: summarizeMs(tpots),
    itlMs: summarizeMs(done.flatMap((outcome) => outcome.itlS)),
    e2elMs: summarizeMs(done.map((outcome) => outcome.latencyS)),
  };
}
