import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/util/mulberry32.js';
import { generatePromptTokens, SCENARIO_VOCAB_SIZE } from '../../../sim/scenario/promptTokens.js';

describe('having a generated prompt', () => {
  it('should draw each token from mulberry32 of its seed, as the scenario format defines it', () => {
    for (const [length, seed] of [[1, 0], [64, 1], [513, 42], [300, 0xffffffff], [200, 123456789]] as const) {
      const random = mulberry32(seed);
      const expected = Array.from({ length }, () => Math.floor(random() * SCENARIO_VOCAB_SIZE));
      expect(generatePromptTokens(length, seed)).toEqual(expected);
    }
  });
});
