import type { SimulationReport } from '../../report/simulationReport.js';
import { judge, type LatencyTargets } from '../../tune/recommend.js';
import type { PlanCandidate } from './planSpace.js';

export const PLAN_FORMAT = 'spyre-sim-plan/1';

/** One simulation of the search: a fleet of `replicas` at `qps`, and what it gave. */
export interface PlanProbe {
  readonly replicas: number;
  readonly qps: number;
  readonly meets_targets: boolean;
  readonly misses: readonly string[];
  readonly ttft_p50_ms: number;
  readonly ttft_p99_ms: number;
  readonly itl_mean_ms: number;
  readonly itl_p99_ms: number;
  readonly output_tokens_per_s: number;
  readonly completed: number;
  readonly total: number;
}

/** What the search found for one replica configuration. */
export interface CandidateResult {
  readonly candidate: PlanCandidate;
  /** The fewest replicas that meet the targets at the planned QPS; null when none up to the limit does. */
  readonly replicas: number | null;
  /** replicas × tensor_parallel_size; null with replicas. */
  readonly cards: number | null;
  /** Every fleet simulated at the planned QPS, in the order the search tried them. */
  readonly probes: readonly PlanProbe[];
  /** The chosen fleet at each QPS of the curve, ascending (empty when no fleet qualified). */
  readonly curve: readonly PlanProbe[];
  /**
   * Why the cards cannot run this configuration at all (its tensor parallel size does not fit the model or
   * does not divide it), when they cannot: nothing was simulated, replicas and cards are null.
   */
  readonly infeasible?: string;
}

const ms = (seconds: number): number => Number((seconds * 1000).toPrecision(6));

export function probeOf(report: SimulationReport, replicas: number, qps: number, targets: LatencyTargets): PlanProbe {
  const verdict = judge(report, targets);
  return {
    replicas,
    qps,
    meets_targets: verdict.meetsTargets,
    misses: verdict.misses,
    ttft_p50_ms: ms(report.ttft_s.p50),
    ttft_p99_ms: ms(report.ttft_s.p99),
    itl_mean_ms: ms(report.itl_s.mean),
    itl_p99_ms: ms(report.itl_s.p99),
    output_tokens_per_s: report.throughput.output_tokens_per_s,
    completed: report.requests.completed,
    total: report.requests.total,
  };
}

/** The planned-QPS probe of the chosen fleet. */
export function chosenProbe(result: CandidateResult): PlanProbe | undefined {
  return result.probes.find((probe) => probe.replicas === result.replicas);
}

/**
 * Qualifying configurations, cheapest first: fewer cards, then lower TTFT p99, then lower ITL p99 at the
 * planned QPS, then the search order. A function of the results alone, so shards merge to the same ranking.
 */
export function rankResults(results: readonly CandidateResult[]): CandidateResult[] {
  return results
    .filter((result) => result.cards !== null)
    .sort((a, b) => {
      const pa = chosenProbe(a)!;
      const pb = chosenProbe(b)!;
      return a.cards! - b.cards! || pa.ttft_p99_ms - pb.ttft_p99_ms || pa.itl_p99_ms - pb.itl_p99_ms || a.candidate.index - b.candidate.index;
    });
}
