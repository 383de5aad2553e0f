import { SILENT_LOGGER, type Logger } from '../../src/core/contracts/logger.js';
import type { StepTraceLine } from '../../src/core/contracts/trace.js';
import { simulateCluster } from '../cluster/simulateCluster.js';
import { DEFAULT_COST_MODEL_SPEC } from '../cost/costModelSpec.js';
import { resolveScenarioCost } from '../cost/scenarioCost.js';
import { runSimulation } from '../kernel/runSimulation.js';
import { buildReport } from '../report/buildReport.js';
import type { SimulationReport } from '../report/simulationReport.js';
import { scenarioEngineConfig } from '../scenario/scenarioEngineConfig.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { scenarioWorkload } from '../scenario/scenarioWorkload.js';

/** The settings a sweep varies; each one given replaces the scenario's own. */
export interface SettingOverrides {
  readonly maxNumBatchedTokens?: number;
  readonly maxNumSeqs?: number;
  readonly interleave?: boolean;
  readonly tensorParallelSize?: number;
}

/** A scenario with a sweep point's settings written into its config (interleaving through its env map). */
export function withOverrides(scenario: Scenario, overrides: SettingOverrides): Scenario {
  const config = { ...scenario.config, env: { ...scenario.config.env } };
  if (overrides.maxNumBatchedTokens !== undefined) config.max_num_batched_tokens = overrides.maxNumBatchedTokens;
  if (overrides.maxNumSeqs !== undefined) config.max_num_seqs = overrides.maxNumSeqs;
  if (overrides.interleave !== undefined) config.env.VLLM_SPYRE_CP_INTERLEAVE_STEPS = overrides.interleave ? '1' : '0';
  if (overrides.tensorParallelSize !== undefined) config.tensor_parallel_size = overrides.tensorParallelSize;
  return { ...scenario, config };
}

/**
 * One timed simulation of a scenario (with optional sweep overrides): config, workload and cost model
 * resolved as the scenario says, files read relative to `baseDir`. A scenario with `replicas` or a `router`
 * runs as a cluster (sim/cluster), its report the fleet's. Pure apart from reading those files.
 */
export function simulateScenario(
  scenario: Scenario,
  baseDir: string,
  options: { readonly overrides?: SettingOverrides; readonly onTrace?: (line: StepTraceLine) => void; readonly logger?: Logger } = {},
): SimulationReport {
  const effective = withOverrides(scenario, options.overrides ?? {});
  if (effective.replicas !== undefined || effective.router !== undefined) return simulateCluster(effective, baseDir, options.logger ?? SILENT_LOGGER);
  const { config, costModel } = resolveScenarioCost(effective.cost_model ?? DEFAULT_COST_MODEL_SPEC, baseDir, scenarioEngineConfig(effective.config, options.logger ?? SILENT_LOGGER));
  const workload = scenarioWorkload(effective, baseDir);
  const frontendValidation = effective.config.frontend_validation ?? true;
  const outcome = runSimulation({ config, workload, costModel, frontendValidation, ...(options.onTrace !== undefined ? { onTrace: options.onTrace } : {}) });
  return buildReport(outcome, config, costModel.name);
}
