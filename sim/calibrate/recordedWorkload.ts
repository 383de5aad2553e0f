import type { ListedWorkload, SimRequestSpec } from '../workload/simRequest.js';
import type { RecordedBenchResult } from './vllmBenchResult.js';

/**
 * The workload a recorded benchmark ran, rebuilt for the simulator: each request arrives when the client sent
 * it (`start_times`), or, in files from vLLM versions without them, all at once under `request_rate: "inf"`
 * and otherwise evenly at the recorded rate (vLLM drew Poisson gaps whose draws the file does not keep).
 * Every request generates exactly its recorded output length, so the simulated ITLs cover the same tokens.
 * Prompt tokens are generated from the request's index: the file keeps lengths, not prompts, so prefix-cache
 * hits of the real run are not reproduced.
 */
export function recordedWorkload(result: RecordedBenchResult): ListedWorkload {
  const requests = result.requests.map((recorded, index): SimRequestSpec => ({
    id: String(index),
    arrivalTimeS: recorded.startTimeS ?? (Number.isFinite(result.requestRateRps) ? index / result.requestRateRps : 0),
    promptLength: recorded.inputLength,
    promptSeed: index,
    prefixGroup: -1,
    prefixLength: 0,
    maxTokens: Math.max(1, recorded.outputLength),
    minTokens: Math.max(1, recorded.outputLength),
    ignoreEos: true,
  }));
  requests.sort((a, b) => a.arrivalTimeS - b.arrivalTimeS || Number(a.id) - Number(b.id));
  const allAtOnce = requests.every((request) => request.arrivalTimeS === 0);
  return { requests, closedLoopConcurrency: allAtOnce ? result.maxConcurrency : undefined, prefixSeed: 0 };
}
