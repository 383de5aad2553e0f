import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kvBytesPerBlock, weightShardBytes } from '../../../src/device/cardBytes.js';
import { fitCardMemory } from '../../../src/device/cardMemoryPlan.js';
import { GRANITE_3_3_8B_INSTRUCT, decoderParameterCount } from '../../../src/device/decoderDimensions.js';

describe('the per-card bytes of granite-3.3-8b-instruct in fp16', () => {
  it('should be 8.17e9 parameters, 4.09 GB of weights and 43.0 GB for 16 416 KV blocks per card on 4 cards (sendnn-backend.md)', () => {
    expect(decoderParameterCount(GRANITE_3_3_8B_INSTRUCT)).toBe(8_170_864_640);
    expect(weightShardBytes(GRANITE_3_3_8B_INSTRUCT, 4) / 1e9).toBeCloseTo(4.09, 2);
    expect(kvBytesPerBlock(GRANITE_3_3_8B_INSTRUCT, 4, 64)).toBe(64 * 40 * 2 * 2 * 128 * 2);
    expect((16416 * kvBytesPerBlock(GRANITE_3_3_8B_INSTRUCT, 4, 64)) / 1e9).toBeCloseTo(43.0, 1);
  });
});

describe('fitCardMemory', () => {
  const rule = { numBlocks: 400, numBlocksFixed: false, minimumBlocks: 9, maxNumSeqs: 4 };
  const needs = { shardBytes: 1000, programs: [{ what: 'p', bytes: 500 }], kvBytesPerBlock: 10, stagingBytes: 0, freeBytes: 3000 };

  it('should give the KV cache what is left, in multiples of max_num_seqs, between the minimum and the configuration', () => {
    expect(fitCardMemory(needs, rule)).toMatchObject({ fits: true, numBlocks: 148, neededBytes: 1500 + 1480, kvWhy: 'what is left after the weights and programs' });
    expect(fitCardMemory({ ...needs, freeBytes: 1e9 }, rule).numBlocks).toBe(400);
    expect(fitCardMemory({ ...needs, freeBytes: 1500 }, rule)).toMatchObject({ fits: false, numBlocks: 9, kvWhy: 'the fewest that serve one batch' });
    expect(fitCardMemory(needs, { ...rule, numBlocksFixed: true })).toMatchObject({ fits: false, numBlocks: 400, kvWhy: '--num-gpu-blocks-override' });
    // The staged raw weights are freed before the KV cache is allocated: the peak is the larger.
    expect(fitCardMemory({ ...needs, stagingBytes: 2000 }, rule)).toMatchObject({ fits: false, neededBytes: 3500 });
  });

  it('should never exceed the card when it says it fits, nor refuse when the minimum fits', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 8 }), (free, perBlock, seqs) => {
      const fit = fitCardMemory({ ...needs, kvBytesPerBlock: perBlock, freeBytes: free }, { ...rule, maxNumSeqs: seqs });
      if (fit.fits) expect(fit.neededBytes).toBeLessThanOrEqual(free);
      expect(fit.fits).toBe(1500 + perBlock * 9 <= free);
      if (fit.numBlocks !== 9 && fit.numBlocks !== 400) expect(fit.numBlocks % seqs).toBe(0);
    }));
  });
});
