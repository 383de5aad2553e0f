import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import { HostOverheadCostModel, type HostOverhead } from '../cost/hostOverhead.js';
import type { StepCostModel } from '../cost/stepShape.js';
import { runSimulation } from '../kernel/runSimulation.js';
import { parseScenario } from '../scenario/loadScenario.js';
import { scenarioEngineConfig } from '../scenario/scenarioEngineConfig.js';
import { scenarioWorkload } from '../scenario/scenarioWorkload.js';
import { samplesOfSimulation, type LatencySamples, type TimedServerSetup } from './timedProtocol.js';

/** One request of a load as the client sent it: when (seconds from the load's start) and its exact lengths. */
export interface TimedRequest {
  readonly arrivalS: number;
  readonly promptLen: number;
  readonly outputLen: number;
}

/**
 * The load in the simulator: the same requests at the same times through the real EngineCore with the same
 * engine settings, each step costing the device time plus the host's terms, and the front-end latency added
 * to what the client sees.
 */
export function simulateTimedLoad(setup: TimedServerSetup, requests: readonly TimedRequest[], device: StepCostModel, host: HostOverhead): LatencySamples {
  const scenario = parseScenario(
    {
      config: { max_model_len: setup.maxModelLen, max_num_seqs: setup.maxNumSeqs, max_num_batched_tokens: setup.maxNumBatchedTokens, tensor_parallel_size: setup.tensorParallelSize },
      requests: requests.map((request, index) => ({ id: `bench-${index}`, arrival_time: request.arrivalS, prompt: { length: request.promptLen, seed: index }, max_tokens: request.outputLen, ignore_eos: true })),
    },
    'timed validation load',
  );
  const config = scenarioEngineConfig(scenario.config, SILENT_LOGGER);
  const lastTokenS = new Map<string, number>();
  const gapsS: number[] = [];
  const outcome = runSimulation({
    config, workload: scenarioWorkload(scenario, '.'), costModel: new HostOverheadCostModel(device, host), keepPerRequest: true,
    onTrace: (line) => {
      for (const id of line.outputs) {
        const previousS = lastTokenS.get(id);
        if (previousS !== undefined) gapsS.push(line.time - previousS);
        lastTokenS.set(id, line.time);
      }
    },
  });
  return samplesOfSimulation(outcome.metrics.perRequest!, gapsS, host.frontend_s);
}

/**
 * Requests per second a full batch sustains (an estimate to place the workloads): max_num_seqs requests
 * each prefilled chunk by chunk, then decoded together at the mid-output context, steps costing `cost`.
 */
export function capacityRequestsPerS(setup: TimedServerSetup, inputLen: number, outputLen: number, cost: StepCostModel): number {
  const chunk = setup.maxNumBatchedTokens;
  const chunks = Math.ceil(inputLen / chunk);
  let prefillS = 0;
  for (let index = 0; index < chunks; index++) prefillS += cost.stepLatencyS({ kind: 'prefill', chunkTokens: chunk, contextTokens: (index + 1) * chunk });
  const tkv = Math.ceil((inputLen + outputLen / 2) / 64) * 64;
  const decodeS = cost.stepLatencyS({ kind: 'decode', batchSize: setup.maxNumSeqs, tkv });
  return setup.maxNumSeqs / (setup.maxNumSeqs * prefillS + (outputLen - 1) * decodeS);
}
