import type { EngineConfig } from '../../src/core/contracts/config.js';
import { LinearCostModel, type LinearCostCoefficients } from '../cost/linearCostModel.js';
import { runSimulation } from '../kernel/runSimulation.js';
import { requestList, type SimWorkload } from '../workload/simRequest.js';
import { Random } from '../workload/random.js';
import type { RecordedBenchResult, RecordedRequest } from './vllmBenchResult.js';

/**
 * Ground truth for the inverse fit: what `vllm bench serve --save-detailed` would have recorded had the
 * server run exactly as the simulator under known coefficients, with lognormal noise of relative size `noise`
 * on every TTFT and ITL (seeded, so a test is repeatable).
 */
export function simulatedRecording(config: EngineConfig, workload: SimWorkload, coefficients: LinearCostCoefficients, noise: number, seed: number): RecordedBenchResult {
  const { metrics: simulated, endTimeS } = runSimulation({ config, workload, costModel: new LinearCostModel(coefficients), keepPerRequest: true });
  const metrics = simulated.perRequest!;
  const random = new Random(seed);
  const jitter = (): number => Math.exp(noise * random.normal());
  const requests = requestList(workload.requests).map((request, position): RecordedRequest => {
    const numGaps = metrics.numOutputTokens[position]! - 1;
    const itlS = numGaps > 0 ? (metrics.lastTokenS[position]! - metrics.firstTokenS[position]!) / numGaps : 0;
    return {
      inputLength: request.promptLength,
      outputLength: metrics.numOutputTokens[position]!,
      startTimeS: request.arrivalTimeS,
      ttftS: (metrics.firstTokenS[position]! - metrics.arrivalS[position]!) * jitter(),
      itlsS: Array.from({ length: numGaps }, () => itlS * jitter()),
    };
  });
  return { requestRateRps: Infinity, burstiness: 1, maxConcurrency: undefined, durationS: endTimeS, requests, metadata: {} };
}
