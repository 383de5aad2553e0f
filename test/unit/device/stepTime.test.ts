import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPYRE_CARD_PROFILE, parseDeviceProfile } from '../../../src/device/deviceProfile.js';
import { stepTime, type StepTimeModel } from '../../../src/device/stepTime.js';

// granite-3.3-8b-instruct: 40 layers, hidden 4096, 8 KV heads of 128, ≈ 8.17e9 parameters, fp16.
const GRANITE_8B: StepTimeModel = { numParams: 8.17e9, numLayers: 40, hiddenSize: 4096, numKvHeads: 8, headDim: 128, bytesPerElement: 2 };

describe('stepTime', () => {
  describe('having granite-3.3-8b on 4 Spyre cards, a decode step of batch 1 at tkv 512', () => {
    it('should be launch + weights/4 at the card bandwidth + 80 all-reduces (memory-bound)', () => {
      const t = stepTime(SPYRE_CARD_PROFILE, GRANITE_8B, { tokens: 1, kvPositionsRead: 512, attentionPairs: 512 }, 4);
      const weightsS = (8.17e9 * 2) / 4 / 200e9;
      const kvS = (512 * 40 * 2 * 8 * 128 * 2) / 4 / 200e9;
      const allReduceS = 80 * (10e-6 + (1.5 * 4096 * 2) / 64e9);
      expect(t.memoryS).toBeCloseTo(weightsS + kvS, 12);
      expect(t.allReduceS).toBeCloseTo(allReduceS, 12);
      expect(t.totalS).toBeCloseTo(0.002 + weightsS + kvS + allReduceS, 12);
      expect(t.memoryS).toBeGreaterThan(t.computeS);
    });
  });
  describe('having one card', () => {
    it('should have no all-reduce term', () => {
      expect(stepTime(SPYRE_CARD_PROFILE, GRANITE_8B, { tokens: 32, kvPositionsRead: 32 * 512, attentionPairs: 32 * 512 }, 1).allReduceS).toBe(0);
    });
  });
  describe('when the cards, tokens or context grow', () => {
    it('should never take less time for more tokens or context, nor more time per card for the memory and compute parts on more cards', () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 512 }), fc.integer({ min: 1, max: 4096 }), fc.constantFrom(1, 2, 4, 8), (tokens, context, cards) => {
        const base = stepTime(SPYRE_CARD_PROFILE, GRANITE_8B, { tokens, kvPositionsRead: context, attentionPairs: tokens * context }, cards);
        const more = stepTime(SPYRE_CARD_PROFILE, GRANITE_8B, { tokens: tokens + 1, kvPositionsRead: context + 64, attentionPairs: (tokens + 1) * (context + 64) }, cards);
        const wider = stepTime(SPYRE_CARD_PROFILE, GRANITE_8B, { tokens, kvPositionsRead: context, attentionPairs: tokens * context }, cards * 2);
        expect(more.totalS).toBeGreaterThan(base.totalS);
        expect(wider.memoryS).toBeCloseTo(base.memoryS / 2, 12);
        expect(wider.computeS).toBeCloseTo(base.computeS / 2, 12);
      }));
    });
  });
});

describe('parseDeviceProfile', () => {
  describe('when a field is missing, not a number, or a rate is zero', () => {
    it('should name the field and the value', () => {
      const good = { ...SPYRE_CARD_PROFILE };
      expect(parseDeviceProfile(good, 'p.json')).toEqual(good);
      expect(parseDeviceProfile({ ...good, fp16FlopsPerS: 0 }, 'p.json')).toBe('device profile p.json: fp16FlopsPerS must be a positive number, but it is 0');
      expect(parseDeviceProfile({ ...good, linkLatencyS: '1' }, 'p.json')).toBe('device profile p.json: linkLatencyS must be a non-negative number, but it is "1"');
      expect(parseDeviceProfile([], 'p.json')).toMatch(/must be a JSON object/);
    });
  });
});
