import { EngineError } from '../../src/core/contracts/errors.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import { DEFAULT_COST_MODEL_SPEC } from '../cost/costModelSpec.js';
import { resolveScenarioCost } from '../cost/scenarioCost.js';
import type { SimulationReport } from '../report/simulationReport.js';
import { withOverrides } from '../run/simulateScenario.js';
import { scenarioEngineConfig } from '../scenario/scenarioEngineConfig.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import type { SweepPoint } from '../sweep/sweepPoints.js';
import { recommend, type LatencyTargets, type Recommendation } from './recommend.js';

/** A sweep point the cards cannot run (its tensor parallel size does not fit or does not divide the model), and why. */
export interface InfeasiblePoint {
  readonly point: SweepPoint;
  readonly reason: string;
}

/**
 * Splits a sweep's points into those the scenario's cards can run and those they cannot, by the same rule
 * a run applies (src/device/cardMemoryPlan, the TP divisibility rule), without simulating anything.
 */
export function splitFeasible(scenario: Scenario, baseDir: string, points: readonly SweepPoint[]): { feasible: SweepPoint[]; infeasible: InfeasiblePoint[] } {
  const feasible: SweepPoint[] = [];
  const infeasible: InfeasiblePoint[] = [];
  for (const point of points) {
    const effective = withOverrides(scenario, point.overrides);
    try {
      resolveScenarioCost(effective.cost_model ?? DEFAULT_COST_MODEL_SPEC, baseDir, scenarioEngineConfig(effective.config, SILENT_LOGGER));
      feasible.push(point);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      infeasible.push({ point, reason: error.message });
    }
  }
  return { feasible, infeasible };
}

export interface TuneCandidate {
  readonly label: string;
  readonly report: SimulationReport;
}

/** The best setting of one card count. */
export interface CardsChoice {
  readonly tensorParallelSize: number;
  /** Index in the candidates of this card count's best setting; undefined when none meets the targets or none fits. */
  readonly index: number | undefined;
  /** One line: its best setting and figures, why none qualifies, or why the cards cannot run it. */
  readonly message: string;
}

export interface CardsRecommendation extends Recommendation {
  readonly perTensorParallelSize: readonly CardsChoice[];
}

const ms = (seconds: number): string => (seconds * 1000).toFixed(1);

/**
 * Tune with cards as the cost: per tensor parallel size, the setting `recommend` picks among that size's
 * candidates (best output throughput within the targets); overall, the one on the fewest cards. A size
 * whose every point is infeasible is reported with the first reason.
 */
export function recommendByCards(
  candidates: readonly TuneCandidate[],
  targets: LatencyTargets,
  tensorParallelSizes: readonly number[],
  infeasible: readonly InfeasiblePoint[],
): CardsRecommendation {
  const all = recommend(candidates, targets);
  const perTensorParallelSize = tensorParallelSizes.map((tp): CardsChoice => {
    const indices = candidates.flatMap((candidate, index) => (candidate.report.settings.tensor_parallel_size === tp ? [index] : []));
    if (indices.length === 0) {
      const reason = infeasible.find((entry) => entry.point.overrides.tensorParallelSize === tp)?.reason ?? 'no setting was simulated';
      return { tensorParallelSize: tp, index: undefined, message: `TP ${tp}: infeasible — ${reason}` };
    }
    const own = recommend(indices.map((index) => candidates[index]!), targets);
    if (own.index === undefined) {
      const closest = /Closest: (.*?\)\.)/.exec(own.message)?.[1] ?? '';
      return { tensorParallelSize: tp, index: undefined, message: `TP ${tp}: no setting meets the targets${closest === '' ? '.' : `; closest ${closest}`}` };
    }
    const index = indices[own.index]!;
    const report = candidates[index]!.report;
    return {
      tensorParallelSize: tp,
      index,
      message: `TP ${tp} (${tp} card${tp === 1 ? '' : 's'}): best ${candidates[index]!.label} — ${report.throughput.output_tokens_per_s.toFixed(1)} output tokens/s, ITL p99 ${ms(report.itl_s.p99)} ms, TTFT p99 ${ms(report.ttft_s.p99)} ms`,
    };
  });
  const cheapest = perTensorParallelSize.filter((choice) => choice.index !== undefined).sort((a, b) => a.tensorParallelSize - b.tensorParallelSize)[0];
  if (cheapest === undefined) return { ...all, perTensorParallelSize };
  const report = candidates[cheapest.index!]!.report;
  return {
    index: cheapest.index,
    verdicts: all.verdicts,
    perTensorParallelSize,
    message:
      `Recommended: ${candidates[cheapest.index!]!.label} on ${cheapest.tensorParallelSize} card(s), the fewest that meet the targets — ` +
      `${report.throughput.output_tokens_per_s.toFixed(1)} output tokens/s, ITL p99 ${ms(report.itl_s.p99)} ms, TTFT p99 ${ms(report.ttft_s.p99)} ms.`,
  };
}
