import { EngineError } from '../../../src/core/contracts/errors.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import { DEFAULT_COST_MODEL_SPEC } from '../../cost/costModelSpec.js';
import { resolveScenarioCost } from '../../cost/scenarioCost.js';
import { scenarioEngineConfig } from '../../scenario/scenarioEngineConfig.js';
import type { SweepOptions } from '../../sweep/runSweep.js';
import type { SimulationReport } from '../../report/simulationReport.js';
import type { Scenario } from '../../scenario/scenarioSchema.js';
import type { LatencyTargets } from '../../tune/recommend.js';
import { probeOf, type CandidateResult, type PlanProbe } from './planResult.js';
import { fleetScenario } from './planScenario.js';
import type { PlanCandidate } from './planSpace.js';

/** QPS of each curve point, as a fraction of the planned QPS. */
export const CURVE_FRACTIONS = [0.5, 0.75, 1, 1.25, 1.5] as const;

export interface PlanSettings {
  readonly qps: number;
  readonly targets: LatencyTargets;
  readonly maxReplicas: number;
}

/** Runs a batch of independent simulations (the worker pool, or inline in tests); reports in task order. */
export type ScenarioRunner = (tasks: readonly { readonly scenario: Scenario; readonly baseDir: string }[], options?: SweepOptions) => Promise<SimulationReport[]>;

/** The replica-count search of one candidate: gallop 1, 2, 4 … to the first fleet that qualifies, then bisect. */
class CountSearch {
  readonly probes: PlanProbe[] = [];
  private infeasible = 0;
  private feasible: number | undefined;
  next: number | undefined = 1;

  constructor(
    readonly candidate: PlanCandidate,
    private readonly maxReplicas: number,
  ) {}

  record(probe: PlanProbe): void {
    this.probes.push(probe);
    if (probe.meets_targets) this.feasible = probe.replicas;
    else this.infeasible = probe.replicas;
    if (this.feasible === undefined) this.next = this.infeasible >= this.maxReplicas ? undefined : Math.min(2 * this.infeasible, this.maxReplicas);
    else this.next = this.feasible - this.infeasible <= 1 ? undefined : Math.floor((this.infeasible + this.feasible) / 2);
  }

  get replicas(): number | undefined {
    return this.feasible;
  }
}

/**
 * Why the cards cannot run `candidate`'s replica at all, by the rule a run applies (the per-card memory rule
 * and TP divisibility, through resolveScenarioCost), or undefined when they can. Simulates nothing.
 */
export function infeasibleReason(scenario: Scenario, baseDir: string, candidate: PlanCandidate, qps: number): string | undefined {
  const replica = fleetScenario(scenario, candidate, 1, qps);
  try {
    resolveScenarioCost(replica.cost_model ?? DEFAULT_COST_MODEL_SPEC, baseDir, scenarioEngineConfig(replica.config, SILENT_LOGGER));
    return undefined;
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    return error.message;
  }
}

/**
 * For each candidate the cards can run (the others are reported with {@link infeasibleReason}), the fewest replicas that meet the targets at the planned QPS (assuming more replicas
 * never hurt, so the count can be bisected), then that fleet's latency at each QPS of the curve. Runs in
 * rounds: every candidate's next probe goes to the pool together. `onRound` sees each round's size first.
 */
export async function searchPlan(
  scenario: Scenario,
  baseDir: string,
  candidates: readonly PlanCandidate[],
  settings: PlanSettings,
  run: ScenarioRunner,
  options: SweepOptions & { readonly onRound?: (simulations: number) => void } = {},
): Promise<CandidateResult[]> {
  const reasons = new Map(candidates.map((candidate) => [candidate.index, infeasibleReason(scenario, baseDir, candidate, settings.qps)]));
  const searches = candidates.filter((candidate) => reasons.get(candidate.index) === undefined).map((candidate) => new CountSearch(candidate, settings.maxReplicas));
  for (;;) {
    const active = searches.filter((search) => search.next !== undefined);
    if (active.length === 0) break;
    options.onRound?.(active.length);
    const reports = await run(active.map((search) => ({ scenario: fleetScenario(scenario, search.candidate, search.next!, settings.qps), baseDir })), options);
    active.forEach((search, index) => search.record(probeOf(reports[index]!, search.next!, settings.qps, settings.targets)));
  }
  const curveTasks = searches.flatMap((search) =>
    search.replicas === undefined ? [] : CURVE_FRACTIONS.filter((fraction) => fraction !== 1).map((fraction) => ({ search, replicas: search.replicas!, qps: settings.qps * fraction })),
  );
  if (curveTasks.length > 0) options.onRound?.(curveTasks.length);
  const curveReports = curveTasks.length === 0 ? [] : await run(curveTasks.map((task) => ({ scenario: fleetScenario(scenario, task.search.candidate, task.replicas, task.qps), baseDir })), options);
  const searched = new Map(searches.map((search) => [search.candidate.index, search]));
  return candidates.map((candidate): CandidateResult => {
    const search = searched.get(candidate.index);
    if (search === undefined) return { candidate, replicas: null, cards: null, probes: [], curve: [], infeasible: reasons.get(candidate.index)! };
    const replicas = search.replicas;
    if (replicas === undefined) return { candidate: search.candidate, replicas: null, cards: null, probes: search.probes, curve: [] };
    const curve = curveTasks.flatMap((task, index) => (task.search === search ? [probeOf(curveReports[index]!, replicas, task.qps, settings.targets)] : []));
    curve.push(search.probes.find((probe) => probe.replicas === replicas)!);
    curve.sort((a, b) => a.qps - b.qps);
    return { candidate: search.candidate, replicas, cards: replicas * search.candidate.tensorParallelSize, probes: search.probes, curve };
  });
}
