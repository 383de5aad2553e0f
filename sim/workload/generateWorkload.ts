import { interArrivalSampler } from './arrivalProcess.js';
import { lengthSampler } from './lengthDistribution.js';
import { deriveSeed, Random } from './random.js';
import { requestList, type ListedWorkload, type RequestSequence, type SimRequestSpec, type SimWorkload } from './simRequest.js';
import type { GeneratorWorkloadSpec } from './workloadSchema.js';

/** Independent random streams of a generated workload: changing one distribution leaves the others' draws alone. */
const STREAM = { arrivals: 1, promptLengths: 2, outputLengths: 3, groups: 4, promptSeeds: 5, prefixes: 6 } as const;
/** How many of the latest requests a stream keeps for a second look (a closed loop's pending arrivals). */
const WINDOW = 4096;

/**
 * A generator spec's requests, built in order as they are asked for, deterministically from its seed; the
 * last WINDOW stay at hand. Asking for an earlier one regenerates from the start (correct, slow: callers
 * walk forward). Ids are `0`, `1`, …
 */
class GeneratedRequests implements RequestSequence {
  readonly length: number;
  private readonly recent: SimRequestSpec[] = new Array<SimRequestSpec>(WINDOW);
  private next = 0;
  private timeS = 0;
  private streams!: { arrivals: Random; promptLengths: Random; outputLengths: Random; groups: Random };
  private readonly promptLength: (random: Random) => number;
  private readonly outputLength: (random: Random) => number;
  private readonly gap: ((random: Random) => number) | undefined;
  private readonly promptSeedBase: number;

  constructor(private readonly spec: GeneratorWorkloadSpec, baseDir: string) {
    this.length = spec.num_requests;
    this.promptLength = lengthSampler(spec.prompt_len, baseDir, 'workload.prompt_len');
    this.outputLength = lengthSampler(spec.output_len, baseDir, 'workload.output_len');
    this.gap = spec.arrival.process === 'closed' ? undefined : interArrivalSampler(spec.arrival);
    this.promptSeedBase = deriveSeed(spec.seed, STREAM.promptSeeds);
    this.restart();
  }

  at(index: number): SimRequestSpec | undefined {
    if (index < 0 || index >= this.length) return undefined;
    if (index < this.next - WINDOW) this.restart();
    while (this.next <= index) this.recent[this.next % WINDOW] = this.generate(this.next++);
    return this.recent[index % WINDOW];
  }

  private restart(): void {
    const seed = this.spec.seed;
    this.streams = {
      arrivals: new Random(deriveSeed(seed, STREAM.arrivals)),
      promptLengths: new Random(deriveSeed(seed, STREAM.promptLengths)),
      outputLengths: new Random(deriveSeed(seed, STREAM.outputLengths)),
      groups: new Random(deriveSeed(seed, STREAM.groups)),
    };
    this.next = 0;
    this.timeS = 0;
  }

  private generate(index: number): SimRequestSpec {
    const prefix = this.spec.shared_prefix;
    if (this.gap !== undefined && index > 0) this.timeS += this.gap(this.streams.arrivals);
    const ownLength = this.promptLength(this.streams.promptLengths);
    const prefixGroup = prefix === undefined ? -1 : this.streams.groups.integer(0, prefix.groups - 1);
    return {
      id: String(index),
      arrivalTimeS: this.timeS,
      promptLength: ownLength + (prefix?.length ?? 0),
      promptSeed: deriveSeed(this.promptSeedBase, index),
      prefixGroup,
      prefixLength: prefix?.length ?? 0,
      maxTokens: this.outputLength(this.streams.outputLengths),
      ignoreEos: true,
    };
  }
}

/** A generator spec's workload, its requests built as they are asked for (see GeneratedRequests). */
export function streamWorkload(spec: GeneratorWorkloadSpec, baseDir: string): SimWorkload {
  const arrival = spec.arrival;
  return {
    requests: new GeneratedRequests(spec, baseDir),
    closedLoopConcurrency: arrival.process === 'closed' ? arrival.concurrency : undefined,
    prefixSeed: deriveSeed(spec.seed, STREAM.prefixes),
  };
}

/** Expands a generator spec into all its requests at once, deterministically from its seed. Ids are `0`, `1`, … */
export function generateWorkload(spec: GeneratorWorkloadSpec, baseDir: string): ListedWorkload {
  const streamed = streamWorkload(spec, baseDir);
  return { ...streamed, requests: requestList(streamed.requests) };
}
