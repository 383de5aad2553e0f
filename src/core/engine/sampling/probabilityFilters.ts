import type { ResolvedSampling } from './samplingOptions.js';

/**
 * Reusable scratch space for one vocabulary size: probabilities and candidate ids. Allocated once per
 * sampler, so choosing a token allocates nothing (the sort comparator aside).
 */
export class FilterScratch {
  readonly probs: Float64Array;
  readonly candidates: Uint32Array;
  /** A min-heap of the best `top_k` ids so far, for small k. */
  readonly heap = new Uint32Array(HEAP_TOP_K_LIMIT);

  constructor(vocabSize: number) {
    this.probs = new Float64Array(vocabSize);
    this.candidates = new Uint32Array(vocabSize);
  }
}

/** Up to this top_k, the k best are kept in a heap (O(V log k)) instead of sorting a front of the vocabulary. */
const HEAP_TOP_K_LIMIT = 256;

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
  let total = 0;
  const minProb = options.minP > 0 ? options.minP : 0; // exp(0) = 1 is the top token's unnormalised prob
  for (let i = 0; i < vocabSize; i++) {
    const p = Math.exp(((logits[i] as number) - max) * inverseTemperature);
    probs[i] = p;
    if (p > 0 && p >= minProb) {
      candidates[count++] = i;
      total += p;
    }
  }
  const keep = options.topK > 0 ? Math.min(options.topK, count) : count;
  if (keep === count && options.topP >= 1) return count;
  if (keep < count && keep <= HEAP_TOP_K_LIMIT) {
    selectTopK(scratch, count, keep);
    return topPWithin(scratch, keep, options.topP);
  }
  for (const cutoff of SORT_CUTOFFS) {
    const kept = sortedPrefixAnswer(scratch, count, cutoff, keep, keep === count ? total : undefined, options.topP);
    if (kept !== undefined) return kept;
  }
  return keep; // unreachable: the last cutoff (0) sorts every candidate
}

// Sorting a whole vocabulary per token costs milliseconds. The tokens that top-k and top-p keep are the most
// likely ones, so first only candidates above a probability cutoff (relative to the top token) are sorted;
// every token left out is less likely than every token sorted, so when the answer lies within the sorted
// front it is exactly the full sort's answer. Otherwise a lower cutoff is tried, down to 0 (all).
const SORT_CUTOFFS = [1e-2, 1e-4, 0];

/**
 * Moves candidates with probability ≥ `cutoff` to the front, sorts them (most likely first, ties by id),
 * and answers top-k / top-p from them, or undefined when the front is too short to be sure.
 * `totalAll`: the total of all candidates, known when top-k keeps all of them.
 */
function sortedPrefixAnswer(scratch: FilterScratch, count: number, cutoff: number, keep: number, totalAll: number | undefined, topP: number): number | undefined {
  const { probs, candidates } = scratch;
  let front = 0;
  for (let i = 0; i < count; i++) {
    const id = candidates[i] as number;
    if ((probs[id] as number) >= cutoff) {
      candidates[i] = candidates[front] as number;
      candidates[front++] = id;
    }
  }
  if (front < keep && totalAll === undefined) return undefined; // the top-k set is not all in front
  const sorted = candidates.subarray(0, front).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  if (topP >= 1) return front >= keep ? keep : undefined;
  let total = totalAll ?? 0;
  if (totalAll === undefined) for (let i = 0; i < keep; i++) total += probs[sorted[i] as number] as number;
  const target = topP * total;
  let cumulative = 0;
  const limit = Math.min(front, keep);
  for (let i = 0; i < limit; i++) {
    cumulative += probs[sorted[i] as number] as number;
    if (cumulative >= target) return i + 1;
  }
  return front >= keep ? keep : undefined;
}

/** Whether candidate a ranks before b: more likely, or as likely with a smaller id (the sort's order). */
function ranksBefore(probs: Float64Array, a: number, b: number): boolean {
  const pa = probs[a] as number;
  const pb = probs[b] as number;
  return pa > pb || (pa === pb && a < b);
}

/** Puts the `k` best candidates, best first, at the front of `candidates`, with a size-k min-heap. */
function selectTopK(scratch: FilterScratch, count: number, k: number): void {
  const { probs, candidates, heap } = scratch;
  const siftDown = (from: number): void => {
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let worst = at;
      if (left < k && ranksBefore(probs, heap[worst] as number, heap[left] as number)) worst = left;
      if (right < k && ranksBefore(probs, heap[worst] as number, heap[right] as number)) worst = right;
      if (worst === at) return;
      const swap = heap[at] as number;
      heap[at] = heap[worst] as number;
      heap[worst] = swap;
      at = worst;
    }
  };
  for (let i = 0; i < k; i++) heap[i] = candidates[i] as number;
  for (let i = Math.floor(k / 2) - 1; i >= 0; i--) siftDown(i);
  for (let i = k; i < count; i++) {
    const id = candidates[i] as number;
    if (ranksBefore(probs, id, heap[0] as number)) {
      heap[0] = id;
      siftDown(0);
    }
  }
  for (let i = 0; i < k; i++) candidates[i] = heap[i] as number;
  candidates.subarray(0, k).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
}

/** Top-p over the first `keep` candidates, already sorted best first. */
function topPWithin(scratch: FilterScratch, keep: number, topP: number): number {
  if (topP >= 1) return keep;
  const { probs, candidates } = scratch;
  let total = 0;
  for (let i = 0; i < keep; i++) total += probs[candidates[i] as number] as number;
  const target = topP * total;
  let cumulative = 0;
  for (let i = 0; i < keep; i++) {
    cumulative += probs[candidates[i] as number] as number;
    if (cumulative >= target) return i + 1;
  }
  return keep;
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
