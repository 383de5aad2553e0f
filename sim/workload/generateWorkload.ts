import { interArrivalSampler } from './arrivalProcess.js';
import { lengthSampler } from './lengthDistribution.js';
import { deriveSeed, Random } from './random.js';
import type { SimRequestSpec, SimWorkload } from './simRequest.js';
import type { GeneratorWorkloadSpec } from './workloadSchema.js';

/** Independent random streams of a generated workload: changing one distribution leaves the others' draws alone. */
const STREAM = { arrivals: 1, promptLengths: 2, outputLengths: 3, groups: 4, promptSeeds: 5, prefixes: 6 } as const;

/** Expands a generator spec into its requests, deterministically from its seed. Ids are `0`, `1`, … */
export function generateWorkload(spec: GeneratorWorkloadSpec, baseDir: string): SimWorkload {
  const streams = {
    arrivals: new Random(deriveSeed(spec.seed, STREAM.arrivals)),
    promptLengths: new Random(deriveSeed(spec.seed, STREAM.promptLengths)),
    outputLengths: new Random(deriveSeed(spec.seed, STREAM.outputLengths)),
    groups: new Random(deriveSeed(spec.seed, STREAM.groups)),
  };
  const promptLength = lengthSampler(spec.prompt_len, baseDir, 'workload.prompt_len');
  const outputLength = lengthSampler(spec.output_len, baseDir, 'workload.output_len');
  const arrival = spec.arrival;
  const gap = arrival.process === 'closed' ? undefined : interArrivalSampler(arrival);
  const prefix = spec.shared_prefix;
  const requests: SimRequestSpec[] = new Array<SimRequestSpec>(spec.num_requests);
  let timeS = 0;
  for (let index = 0; index < spec.num_requests; index++) {
    if (gap !== undefined && index > 0) timeS += gap(streams.arrivals);
    const ownLength = promptLength(streams.promptLengths);
    const prefixGroup = prefix === undefined ? -1 : streams.groups.integer(0, prefix.groups - 1);
    requests[index] = {
      id: String(index),
      arrivalTimeS: timeS,
      promptLength: ownLength + (prefix?.length ?? 0),
      promptSeed: deriveSeed(deriveSeed(spec.seed, STREAM.promptSeeds), index),
      prefixGroup,
      prefixLength: prefix?.length ?? 0,
      maxTokens: outputLength(streams.outputLengths),
      ignoreEos: true,
    };
  }
  return { requests, closedLoopConcurrency: arrival.process === 'closed' ? arrival.concurrency : undefined, prefixSeed: deriveSeed(spec.seed, STREAM.prefixes) };
}
