import { Container } from 'inversify';
import { Clock } from '../../src/core/contracts/clock.js';
import { EngineConfig } from '../../src/core/contracts/config.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import { asRequestId } from '../../src/core/contracts/ids.js';
import { SILENT_LOGGER, type Logger } from '../../src/core/contracts/logger.js';
import type { StepTraceLine } from '../../src/core/contracts/trace.js';
import { EngineCore } from '../../src/core/engine/engineCore.js';
import { registerCore } from '../../src/core/registerCore.js';
import { VirtualClock } from '../kernel/virtualClock.js';
import { generatePromptTokens } from '../scenario/promptTokens.js';
import { scenarioEngineConfig } from '../scenario/scenarioEngineConfig.js';
import type { Scenario, ScenarioRequest } from '../scenario/scenarioSchema.js';
import { DeterministicTokenBackend } from './deterministicTokenBackend.js';

/** What a replay produced. */
export interface ReplayResult {
  readonly trace: readonly StepTraceLine[];
  readonly outputs: ReadonlyMap<string, readonly number[]>;
  readonly finishReasons: ReadonlyMap<string, string>;
}

function promptOf(request: ScenarioRequest): number[] {
  return Array.isArray(request.prompt) ? request.prompt : generatePromptTokens(request.prompt.length, request.prompt.seed);
}

function stepArrivals(scenario: Scenario): ScenarioRequest[] {
  const requests = scenario.requests;
  if (requests === undefined) {
    throw new EngineError('invalid_scenario', "spyre sim replay needs an explicit 'requests' list in the scenario (generated workloads are for timed simulator runs).");
  }
  const timed = requests.find((request) => request.arrival_time !== undefined);
  if (timed !== undefined) {
    throw new EngineError('invalid_scenario', `requests (id '${timed.id}'): a replay counts arrivals in steps; use arrival_step instead of arrival_time.`);
  }
  return requests
    .map((request, index) => ({ request, index }))
    .sort((a, b) => (a.request.arrival_step ?? 0) - (b.request.arrival_step ?? 0) || a.index - b.index)
    .map(({ request }) => request);
}

/**
 * Runs a scenario through the real engine core with a zero-latency deterministic backend, one trace line
 * per step (SPEC §8). A request is added once `arrival_step` steps have run; the replay ends with one idle
 * step after the last request finishes.
 */
export function replayScenario(scenario: Scenario, logger: Logger = SILENT_LOGGER): ReplayResult {
  const pending = stepArrivals(scenario);
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(scenarioEngineConfig(scenario.config, logger));
  container.bind(Clock).toConstantValue(new VirtualClock());
  registerCore(container);
  const core = container.get(EngineCore);
  core.setTracing(true);
  const backend = new DeterministicTokenBackend(new Map(pending.map((request) => [request.id, request.output_tokens ?? []])));
  const trace: StepTraceLine[] = [];
  const outputs = new Map<string, readonly number[]>();
  const finishReasons = new Map<string, string>();
  const runStep = (): void => {
    const plan = core.beginStep();
    const report = core.finishStep(plan === undefined ? { sampled: [] } : backend.executeSync(plan));
    for (const ended of report.ended) {
      outputs.set(ended.requestId, ended.outputTokenIds);
      finishReasons.set(ended.requestId, ended.reason);
    }
    trace.push(report.trace!);
  };
  while (pending.length > 0 || core.hasUnfinishedRequests()) {
    while (pending.length > 0 && (pending[0]!.arrival_step ?? 0) <= trace.length) addRequest(core, pending.shift()!, scenario.config.frontend_validation ?? true);
    runStep();
  }
  runStep();
  return { trace, outputs, finishReasons };
}

function addRequest(core: EngineCore, request: ScenarioRequest, frontendValidation: boolean): void {
  try {
    core.addRequest(
      {
      requestId: asRequestId(request.id),
      promptTokenIds: promptOf(request),
      maxTokens: request.max_tokens,
      minTokens: request.min_tokens,
      ignoreEos: request.ignore_eos,
      cacheSalt: request.cache_salt,
      },
      { frontendValidation },
    );
  } catch (error) {
    if (error instanceof EngineError) throw new EngineError('invalid_scenario', `requests (id '${request.id}'): ${error.message}`);
    throw error;
  }
}
