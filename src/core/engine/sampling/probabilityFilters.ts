import type { ResolvedSampling } from './samplingOptions.js';

/**
 * Reusable scratch space for one vocabulary size: probabilities and candidate ids. Allocated once per
 * sampler, so choosing a token allocates nothing (the sort comparator aside).
 */
export class FilterScratch {
  readonly probs: Float64Array;
  readonly candidates: Uint32Array;

  constructor(vocabSize: number) {
    this.probs = new Float64Array(vocabSize);
    this.candidates = new Uint32Array(vocabSize);
  }
}

/**
 * Temperature softmax of `logits` into `scratch.probs` (unnormalised: exp(l/T - max)), then min-p, top-k
 * and top-p in vLLM's order. Returns how many candidates, at the front of `scratch.candidates`, survive;
 * their probabilities are `scratch.probs[id]`.
 */
export function filterCandidates(logits: Float32Array, options: ResolvedSampling, scratch: FilterScratch): number {
  const { probs, candidates } = scratch;
  const vocabSize = logits.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < vocabSize; i++) if ((logits[i] as number) > max) max = logits[i] as number;
  const inverseTemperature = 1 / options.temperature;
  let count = 0;
  const minProb = options.minP > 0 ? options.minP : 0; // exp(0) = 1 is the top token's unnormalised prob
  for (let i = 0; i < vocabSize; i++) {
    const p = Math.exp(((logits[i] as number) - max) * inverseTemperature);
    probs[i] = p;
    if (p > 0 && p >= minProb) candidates[count++] = i;
  }
  const topK = options.topK > 0 ? Math.min(options.topK, count) : count;
  if (topK === count && options.topP >= 1) return count;
  const sorted = candidates.subarray(0, count).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  if (options.topP >= 1) return topK;
  let total = 0;
  for (let i = 0; i < topK; i++) total += probs[sorted[i] as number] as number;
  const target = options.topP * total;
  let cumulative = 0;
  for (let i = 0; i < topK; i++) {
    cumulative += probs[sorted[i] as number] as number;
    if (cumulative >= target) return i + 1;
  }
  return topK;
}

/** Draws one of the first `count` candidates in proportion to its probability. */
export function drawCandidate(scratch: FilterScratch, count: number, uniform: number): number {
  const { probs, candidates } = scratch;
  let total = 0;
  for (let i = 0; i < count; i++) total += probs[candidates[i] as number] as number;
  let threshold = uniform * total;
  for (let i = 0; i < count; i++) {
    const id = candidates[i] as number;
    threshold -= probs[id] as number;
    if (threshold < 0) return id;
  }
  return candidates[count - 1] as number;
}
