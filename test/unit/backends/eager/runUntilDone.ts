// Drives an engine core with the eager runner, adding requests when their arrival step comes.
import { asRequestId } from '../../../../src/core/contracts/ids.js';
import type { SamplingParams } from '../../../../src/core/contracts/requests.js';
import type { EagerCoreRig } from '../../../support/tinyModel.js';

export interface Arrival {
  readonly id: string;
  readonly atStep: number;
  readonly prompt: readonly number[];
  readonly maxTokens: number;
  readonly sampling?: SamplingParams;
}

export interface RunOutcome {
  readonly outputs: ReadonlyMap<string, readonly number[]>;
  /** Per request, a copy of the logits of each sampled token, in order. */
  readonly logits: ReadonlyMap<string, Float32Array[]>;
  readonly numSteps: number;
}

export async function runUntilDone(rig: EagerCoreRig, arrivals: readonly Arrival[]): Promise<RunOutcome> {
  const pending = [...arrivals].sort((a, b) => a.atStep - b.atStep);
  const outputs = new Map<string, readonly number[]>();
  const logits = new Map<string, Float32Array[]>();
  rig.runner.logitsObserver = (requestId, row) => {
    const list = logits.get(requestId) ?? [];
    list.push(row.slice());
    logits.set(requestId, list);
  };
  let step = 0;
  while (pending.length > 0 || rig.core.hasUnfinishedRequests()) {
    while (pending.length > 0 && (pending[0] as Arrival).atStep <= step) {
      const arrival = pending.shift() as Arrival;
      rig.core.addRequest({
        requestId: asRequestId(arrival.id), promptTokenIds: arrival.prompt, maxTokens: arrival.maxTokens, ignoreEos: true,
        sampling: arrival.sampling ?? { temperature: 0 },
      });
    }
    const plan = rig.core.beginStep();
    const report = rig.core.finishStep(plan ? await rig.runner.execute(plan) : { sampled: [] });
    for (const ended of report.ended) {
      if (ended.error !== undefined) throw new Error(`request ${ended.requestId} failed: ${ended.error}`);
      outputs.set(ended.requestId, ended.outputTokenIds);
    }
    step += 1;
    if (step > 100_000) throw new Error('runaway');
  }
  return { outputs, logits, numSteps: step };
}
