import type { EngineConfig } from '../../src/core/contracts/config.js';
import { LinearCostModel, type LinearCostCoefficients } from '../cost/linearCostModel.js';
import { runSimulation } from '../kernel/runSimulation.js';
import { requestList, type SimWorkload } from '../workload/simRequest.js';
import { Random } from '../workload/random.js';
import { meanOf, type RecordedBenchResult, type RecordedRequest } from './vllmBenchResult.js';

/**
 * Ground truth for the inverse fit: what `vllm bench serve --save-detailed` would have recorded had the
 * server run exactly as the simulator under known coefficients — every request's TTFT and each gap between
 * its tokens (read from the step trace) — with lognormal noise of relative size `noise` on every TTFT and
 * every gap, and (`arrivalJitterS`) the recorded send time off the arrival the server saw by up to that much
 * either way, as a client's clock and the network make it. Seeded, so a test is repeatable.
 *
 * Without arrival jitter a refit at exactly the true coefficients replays every scheduling decision and
 * every other point misses some: the objective has a needle at the truth that no real recording has.
 */
export function simulatedRecording(config: EngineConfig, workload: SimWorkload, coefficients: LinearCostCoefficients, noise: number, seed: number, arrivalJitterS = 0): RecordedBenchResult {
  const tokenTimes = new Map<string, number[]>();
  const { metrics: simulated, endTimeS } = runSimulation({
    config, workload, costModel: new LinearCostModel(coefficients), keepPerRequest: true,
    onTrace: (line) => {
      for (const id of line.outputs) {
        const times = tokenTimes.get(id);
        if (times === undefined) tokenTimes.set(id, [line.time]);
        else times.push(line.time);
      }
    },
  });
  const metrics = simulated.perRequest!;
  const random = new Random(seed);
  const jitter = (): number => Math.exp(noise * random.normal());
  const requests = requestList(workload.requests).map((request, position): RecordedRequest => {
    const times = tokenTimes.get(request.id) ?? [];
    const ttftS = (metrics.firstTokenS[position]! - metrics.arrivalS[position]!) * jitter();
    const itlsS = times.slice(1).map((timeS, gap) => (timeS - times[gap]!) * jitter());
    return {
      inputLength: request.promptLength,
      outputLength: metrics.numOutputTokens[position]!,
      startTimeS: Math.max(0, request.arrivalTimeS + arrivalJitterS * (2 * random.uniform() - 1)),
      ttftS,
      itlsS,
      meanItlS: meanOf(itlsS),
    };
  });
  return { requestRateRps: Infinity, burstiness: 1, maxConcurrency: undefined, durationS: endTimeS, requests, itlsPerToken: true, metadata: {} };
}
