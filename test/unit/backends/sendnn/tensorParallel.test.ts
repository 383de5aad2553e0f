import { describe, expect, it } from 'vitest';
import { checkShardable } from '../../../../src/backends/sendnn/tensorParallel.js';
import type { SendnnModelDesc } from '../../../../src/backends/sendnn/sendnnTypes.js';
import { engineErrorOf } from '../../../support/engineErrors.js';

const desc = (numHeads: number, numKvHeads: number): SendnnModelDesc => ({ vocabSize: 100, hiddenSize: numHeads * 16, intermediateSize: 64, numLayers: 2, numHeads, numKvHeads, headDim: 16, tieWordEmbeddings: true, rmsNormEps: 1e-6, ropeTheta: 1e4 });

describe('checkShardable', () => {
  describe('having heads and KV heads that divide by the card count', () => {
    it('should accept 1, 2, 4 and 8 cards', () => {
      for (const cards of [1, 2, 4, 8]) expect(() => checkShardable(desc(32, 8), cards)).not.toThrow();
    });
  });
  describe('when the KV heads do not divide by the card count', () => {
    it('should refuse naming both head counts and the card count', () => {
      const error = engineErrorOf(() => checkShardable(desc(12, 3), 2));
      expect(error.kind).toBe('invalid_config');
      expect(error.message).toBe('the model cannot be split across 2 cards: it has 12 attention heads and 3 KV heads, and both must divide by --tensor-parallel-size 2; use a tensor parallel size that divides 3.');
    });
  });
  describe('when the card count is not 1, 2, 4 or 8', () => {
    it('should refuse it', () => {
      expect(engineErrorOf(() => checkShardable(desc(12, 12), 3)).message).toBe('--tensor-parallel-size 3 is not supported by the sendnn backend: use one of 1, 2, 4, 8.');
    });
  });
});
