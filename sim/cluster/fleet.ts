import type { EngineConfig } from '../../src/core/contracts/config.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import type { Logger } from '../../src/core/contracts/logger.js';
import { DEFAULT_COST_MODEL_SPEC } from '../cost/costModelSpec.js';
import { resolveScenarioCost } from '../cost/scenarioCost.js';
import type { StepCostModel } from '../cost/stepShape.js';
import { scenarioEngineConfig } from '../scenario/scenarioEngineConfig.js';
import type { Scenario, ScenarioConfig } from '../scenario/scenarioSchema.js';

/** One replica of a fleet, resolved: its engine config and step-time model. */
export interface ReplicaSpec {
  readonly name: string;
  readonly config: EngineConfig;
  readonly scenarioConfig: ScenarioConfig;
  readonly costModel: StepCostModel;
  readonly frontendValidation: boolean;
}

/**
 * The replicas a scenario describes, in order: `replicas: N` is N copies of the scenario's config and cost
 * model; a list of groups merges each group's `config` over the scenario's (env key by key) and replaces the
 * cost model where the group gives one. No `replicas`: one replica, the scenario itself. A config that does
 * not resolve is refused naming the group (`replicas[1].config: …`).
 */
export function resolveFleet(scenario: Scenario, baseDir: string, logger: Logger): ReplicaSpec[] {
  const groups = scenario.replicas === undefined ? [{ count: 1 }] : typeof scenario.replicas === 'number' ? [{ count: scenario.replicas }] : scenario.replicas;
  const fleet: ReplicaSpec[] = [];
  groups.forEach((group, groupIndex) => {
    const changes = ('config' in group ? group.config : undefined) as Partial<ScenarioConfig> | undefined;
    const scenarioConfig: ScenarioConfig = { ...scenario.config, ...changes, env: { ...scenario.config.env, ...changes?.env } };
    const where = scenario.replicas === undefined || typeof scenario.replicas === 'number' ? 'config' : `replicas[${groupIndex}]`;
    let config: EngineConfig;
    let costModel: StepCostModel;
    try {
      ({ config, costModel } = resolveScenarioCost(('cost_model' in group ? group.cost_model : undefined) ?? scenario.cost_model ?? DEFAULT_COST_MODEL_SPEC, baseDir, scenarioEngineConfig(scenarioConfig, logger)));
    } catch (error) {
      if (error instanceof EngineError) throw new EngineError('invalid_scenario', `${where}: ${error.message}`);
      throw error;
    }
    for (let copy = 0; copy < group.count; copy++) {
      const name = 'name' in group && group.name !== undefined ? (group.count === 1 ? group.name : `${group.name}-${copy}`) : `replica-${fleet.length}`;
      fleet.push({ name, config, scenarioConfig, costModel, frontendValidation: scenarioConfig.frontend_validation ?? true });
    }
  });
  return fleet;
}
