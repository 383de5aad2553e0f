import type { SimulationReport } from '../report/simulationReport.js';

/** Latency targets in milliseconds; an absent target is not checked. */
export interface LatencyTargets {
  readonly itlP99Ms?: number;
  readonly ttftP99Ms?: number;
}

export interface CandidateVerdict {
  readonly meetsTargets: boolean;
  /** Why it misses, e.g. `ITL p99 182.1 ms > 150 ms`; empty when it meets them. */
  readonly misses: readonly string[];
}

export interface Recommendation {
  /** Index of the recommended candidate; undefined when none meets the targets. */
  readonly index: number | undefined;
  readonly verdicts: readonly CandidateVerdict[];
  /** One sentence for the terminal and the report page. */
  readonly message: string;
}

const ms = (seconds: number): number => seconds * 1000;

/** A setting meets the targets when its p99s are within them and every request completed (none rejected). */
export function judge(report: SimulationReport, targets: LatencyTargets): CandidateVerdict {
  const misses: string[] = [];
  if (targets.itlP99Ms !== undefined && ms(report.itl_s.p99) > targets.itlP99Ms) misses.push(`ITL p99 ${ms(report.itl_s.p99).toFixed(1)} ms > ${targets.itlP99Ms} ms`);
  if (targets.ttftP99Ms !== undefined && ms(report.ttft_s.p99) > targets.ttftP99Ms) misses.push(`TTFT p99 ${ms(report.ttft_s.p99).toFixed(1)} ms > ${targets.ttftP99Ms} ms`);
  if (report.requests.completed < report.requests.total) misses.push(`${report.requests.total - report.requests.completed} of ${report.requests.total} requests did not complete`);
  return { meetsTargets: misses.length === 0, misses };
}

/**
 * The setting with the best output-token throughput among those that meet the targets; ties go to the
 * lower ITL p99, then to the earlier candidate (smaller chunks come first in a sweep).
 */
export function recommend(candidates: readonly { readonly label: string; readonly report: SimulationReport }[], targets: LatencyTargets): Recommendation {
  const verdicts = candidates.map((candidate) => judge(candidate.report, targets));
  let best: number | undefined;
  candidates.forEach((candidate, index) => {
    if (!verdicts[index]!.meetsTargets) return;
    if (best === undefined) {
      best = index;
      return;
    }
    const incumbent = candidates[best]!.report;
    const throughput = candidate.report.throughput.output_tokens_per_s;
    const bestThroughput = incumbent.throughput.output_tokens_per_s;
    if (throughput > bestThroughput || (throughput === bestThroughput && candidate.report.itl_s.p99 < incumbent.itl_s.p99)) best = index;
  });
  const wanted = describeTargets(targets);
  if (best === undefined) {
    const closest = closestMiss(candidates, targets);
    return {
      index: undefined,
      verdicts,
      message: `No setting meets ${wanted}.` + (closest === undefined ? '' : ` Closest: ${candidates[closest]!.label} (${verdicts[closest]!.misses.join('; ')}). Loosen the targets, lower the load, or add settings to the sweep.`),
    };
  }
  const report = candidates[best]!.report;
  return {
    index: best,
    verdicts,
    message:
      `Recommended: ${candidates[best]!.label} — ${report.throughput.output_tokens_per_s.toFixed(1)} output tokens/s, ` +
      `ITL p99 ${ms(report.itl_s.p99).toFixed(1)} ms, TTFT p99 ${ms(report.ttft_s.p99).toFixed(1)} ms (targets: ${wanted}).`,
  };
}

function describeTargets(targets: LatencyTargets): string {
  const parts = [targets.itlP99Ms !== undefined ? `ITL p99 ≤ ${targets.itlP99Ms} ms` : '', targets.ttftP99Ms !== undefined ? `TTFT p99 ≤ ${targets.ttftP99Ms} ms` : ''].filter((part) => part !== '');
  return parts.length === 0 ? 'no latency target' : parts.join(' and ');
}

/** The candidate whose worst relative excess over the targets is smallest. */
function closestMiss(candidates: readonly { readonly report: SimulationReport }[], targets: LatencyTargets): number | undefined {
  let closest: number | undefined;
  let closestExcess = Number.POSITIVE_INFINITY;
  candidates.forEach((candidate, index) => {
    const excess = Math.max(
      targets.itlP99Ms !== undefined ? ms(candidate.report.itl_s.p99) / targets.itlP99Ms : 0,
      targets.ttftP99Ms !== undefined ? ms(candidate.report.ttft_s.p99) / targets.ttftP99Ms : 0,
    );
    if (excess < closestExcess) {
      closestExcess = excess;
      closest = index;
    }
  });
  return closest;
}
