import { readFileSync } from 'node:fs';
import { loadSendnnModel } from '../../../backends/sendnn/sendnnModel.js';
import { EngineError } from '../../../core/contracts/errors.js';
import { parseDeviceProfile } from '../../../device/deviceProfile.js';
import { fitHostOverhead, type HostOverheadFit } from '../../../../sim/calibrate/fitHostOverhead.js';
import type { TimedRequest } from '../../../../sim/validate/simulateTimedLoad.js';
import { RooflineCostModel } from '../../../../sim/cost/rooflineCostModel.js';
import type { LatencySamples, TimedLoad, TimedServerSetup } from '../../../../sim/validate/timedProtocol.js';
import { arrivalGapsS } from '../benchServe/arrivals.js';
import type { RequestOutcome } from '../benchServe/benchClient.js';
import { buildDataset } from '../benchServe/dataset.js';
import { benchDataset, frontendPairs, runTimedServer, type TimedServerRun } from './timedServerRun.js';

/** The device time of the emulated cards, as the simulator prices it: the same profile file, model and card count. */
export function emulatedCardsOf(setup: TimedServerSetup): RooflineCostModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(setup.profilePath, 'utf8'));
  } catch (error) {
    throw new EngineError('invalid_config', `Cannot read the device profile ${setup.profilePath}: ${(error as Error).message}`);
  }
  const profile = parseDeviceProfile(json, setup.profilePath);
  if (typeof profile === 'string') throw new EngineError('invalid_config', profile);
  const cards = setup.tensorParallelSize;
  return new RooflineCostModel(`device profile ${profile.name} on ${cards} card(s)`, profile, loadSendnnModel(setup.modelDir).desc, setup.modelDir, cards, setup.maxNumSeqs);
}

/** The requests the bench client sends for a load, as the simulator takes them: its seeded send times and lengths. */
export function requestsOfLoad(load: TimedLoad): TimedRequest[] {
  const gaps = arrivalGapsS(load.numPrompts, load.requestRate, 1, load.seed);
  let timeS = 0;
  return buildDataset(benchDataset(load)).map((request, index) => {
    timeS += gaps[index] ?? 0;
    return { arrivalS: timeS, promptLen: request.promptIds.length, outputLen: request.outputLen };
  });
}

/** A real run's samples, counted as `vllm bench serve` counts them (successful requests only). */
export function samplesOfOutcomes(outcomes: readonly RequestOutcome[], durationS: number): LatencySamples {
  const done = outcomes.filter((outcome) => outcome.success);
  const failed = outcomes.length - done.length;
  if (failed > 0) throw new EngineError('backend_failed', `${failed} of ${outcomes.length} requests of the real run failed (first: ${outcomes.find((outcome) => !outcome.success)?.error ?? '?'})`);
  return {
    ttftS: done.map((outcome) => outcome.ttftS),
    itlS: done.flatMap((outcome) => outcome.itlS),
    tpotS: done.filter((outcome) => outcome.outputTokens > 1).map((outcome) => (outcome.latencyS - outcome.ttftS) / (outcome.outputTokens - 1)),
    outputTokens: done.reduce((sum, outcome) => sum + outcome.outputTokens, 0),
    durationS,
  };
}

/** Host overhead fitted from one real run of `load` (device time known from the profile). */
export async function calibrateHostOverhead(setup: TimedServerSetup, load: TimedLoad): Promise<{ fit: HostOverheadFit; run: TimedServerRun }> {
  const run = await runTimedServer(setup, load);
  const fit = fitHostOverhead(run.steps, emulatedCardsOf(setup), frontendPairs(run));
  return { fit, run };
}
