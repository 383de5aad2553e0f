import { SeededRandom } from './seededRandom.js';
import type { ResolvedSampling } from './samplingOptions.js';

/**
 * What sampling remembers about one request between steps: its generator (seeded per request), how often
 * each token was generated (presence and frequency penalties), and the prompt's distinct ids
 * (repetition penalty). Created when the request samples its first token.
 */
export class RequestSamplingState {
  readonly random: SeededRandom;
  /** token id → times generated. A Map, not a vocabulary-sized array: outputs are short, vocabularies are not. */
  readonly outputCounts = new Map<number, number>();
  /** Distinct prompt ids, only when the repetition penalty needs them. */
  readonly promptIds: ReadonlySet<number>;
  numOutputTokens = 0;

  constructor(
    readonly options: ResolvedSampling,
    fallbackSeed: number,
  ) {
    this.random = new SeededRandom(options.seed ?? fallbackSeed);
    this.promptIds = options.repetitionPenalty !== 1 ? new Set(options.promptTokenIds) : new Set();
  }

  /** Whether the logits must be copied and processed before choosing (the greedy fast path reads them as they are). */
  get needsProcessing(): boolean {
    const o = this.options;
    return o.repetitionPenalty !== 1 || o.presencePenalty !== 0 || o.frequencyPenalty !== 0 || this.numOutputTokens < o.minTokens;
  }

  record(tokenId: number): void {
    this.outputCounts.set(tokenId, (this.outputCounts.get(tokenId) ?? 0) + 1);
    this.numOutputTokens += 1;
  }
}
