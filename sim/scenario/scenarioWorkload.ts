import { EngineError } from '../../src/core/contracts/errors.js';
import { streamWorkload } from '../workload/generateWorkload.js';
import type { SimRequestSpec, SimWorkload } from '../workload/simRequest.js';
import { traceWorkload } from '../workload/traceWorkload.js';
import { generatePromptTokens } from './promptTokens.js';
import type { Scenario, ScenarioRequest } from './scenarioSchema.js';

/**
 * The requests of a timed run: the scenario's `requests` list (arrival_time in seconds, 0 when absent),
 * or its `workload` generator or trace. Files are read relative to `baseDir` (the scenario's folder).
 */
export function scenarioWorkload(scenario: Scenario, baseDir: string): SimWorkload {
  if (scenario.requests !== undefined && scenario.workload !== undefined) {
    throw new EngineError('invalid_scenario', "A scenario gives either 'requests' or 'workload', not both.");
  }
  if (scenario.workload !== undefined) {
    return 'trace' in scenario.workload ? traceWorkload(scenario.workload, baseDir) : streamWorkload(scenario.workload, baseDir);
  }
  if (scenario.requests === undefined) throw new EngineError('invalid_scenario', "A timed run needs 'requests' or a 'workload'.");
  const stepped = scenario.requests.find((request) => request.arrival_step !== undefined);
  if (stepped !== undefined) {
    throw new EngineError('invalid_scenario', `requests (id '${stepped.id}'): a timed run counts arrivals in seconds; use arrival_time instead of arrival_step (arrival_step is for spyre sim replay).`);
  }
  const specs = scenario.requests.map(listedRequest);
  const order = specs.map((spec, index) => ({ spec, index })).sort((a, b) => a.spec.arrivalTimeS - b.spec.arrivalTimeS || a.index - b.index);
  return { requests: order.map(({ spec }) => spec), closedLoopConcurrency: undefined, prefixSeed: 0 };
}

function listedRequest(request: ScenarioRequest): SimRequestSpec {
  const promptTokenIds = Array.isArray(request.prompt) ? request.prompt : generatePromptTokens(request.prompt.length, request.prompt.seed);
  return {
    id: request.id,
    arrivalTimeS: request.arrival_time ?? 0,
    promptLength: promptTokenIds.length,
    promptSeed: 0,
    prefixGroup: -1,
    prefixLength: 0,
    promptTokenIds,
    // Without max_tokens the core uses its default (max_model_len − padded prompt); 0 marks "absent".
    maxTokens: request.max_tokens ?? 0,
    ...(request.min_tokens !== undefined ? { minTokens: request.min_tokens } : {}),
    ignoreEos: request.ignore_eos,
    ...(request.cache_salt !== undefined ? { cacheSalt: request.cache_salt } : {}),
    ...(request.output_tokens !== undefined ? { goldenOutputTokens: request.output_tokens } : {}),
  };
}
