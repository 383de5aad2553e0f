import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterCandidates, FilterScratch } from '../../../../../src/core/engine/sampling/probabilityFilters.js';
import { resolveSampling } from '../../../../../src/core/engine/sampling/samplingOptions.js';

/** The textbook version: softmax, min-p, sort everything, top-k, renormalise, top-p. */
function naiveKept(logits: number[], temperature: number, topK: number, topP: number, minP: number): number[] {
  const max = Math.max(...logits);
  const probs = logits.map((l) => Math.exp((l - max) / temperature));
  const ids = probs.map((_, id) => id).filter((id) => (probs[id] as number) > 0 && (probs[id] as number) >= minP);
  ids.sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  const topKIds = topK > 0 ? ids.slice(0, topK) : ids;
  const total = topKIds.reduce((sum, id) => sum + (probs[id] as number), 0);
  let cumulative = 0;
  for (let i = 0; i < topKIds.length; i++) {
    cumulative += probs[topKIds[i] as number] as number;
    if (topP < 1 && cumulative >= topP * total) return topKIds.slice(0, i + 1).sort((a, b) => a - b);
  }
  return topKIds.sort((a, b) => a - b);
}

describe('filterCandidates', () => {
  describe('when it sorts only the likely front of the vocabulary', () => {
    it('should keep exactly the tokens a full sort keeps, for flat and peaked distributions', () => {
      fc.assert(
        fc.property(
          fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 400 }),
          fc.constantFrom(0.05, 1, 8, 40),
          fc.constantFrom(0.3, 1, 1.7),
          fc.constantFrom(0, 1, 5, 50, 1000),
          fc.constantFrom(1, 0.999, 0.95, 0.5, 0.01),
          fc.constantFrom(0, 0.05),
          (raw, scale, temperature, topK, topP, minP) => {
            const logits = raw.map((x) => x * scale);
            const scratch = new FilterScratch(logits.length);
            const count = filterCandidates(Float32Array.from(logits), resolveSampling({ temperature, topK, topP, minP }), scratch);
            const kept = Array.from(scratch.candidates.subarray(0, count)).sort((a, b) => a - b);
            expect(kept).toEqual(naiveKept(Array.from(Float32Array.from(logits)), temperature, topK, topP, minP));
          },
        ),
        { numRuns: 400, seed: 7 },
      );
    });
  });
});
