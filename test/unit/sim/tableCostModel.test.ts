import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/core/contracts/errors.js';
import { TableCostModel } from '../../../sim/cost/tableCostModel.js';

const model = new TableCostModel({
  prefill: [
    { chunk_tokens: 256, context_tokens: 256, seconds: 0.1 },
    { chunk_tokens: 256, context_tokens: 512, seconds: 0.2 },
    { chunk_tokens: 512, context_tokens: 512, seconds: 0.3 },
    { chunk_tokens: 512, context_tokens: 1024, seconds: 0.5 },
  ],
  decode: [
    { batch_size: 1, tkv: 128, seconds: 0.01 },
    { batch_size: 1, tkv: 256, seconds: 0.02 },
    { batch_size: 4, tkv: 128, seconds: 0.04 },
    { batch_size: 4, tkv: 256, seconds: 0.08 },
  ],
});

describe('having a profile table', () => {
  it('should return measured points exactly', () => {
    expect(model.stepLatencyS({ kind: 'prefill', chunkTokens: 512, contextTokens: 1024 })).toBe(0.5);
    expect(model.stepLatencyS({ kind: 'decode', batchSize: 4, tkv: 128 })).toBe(0.04);
  });

  it('should interpolate linearly inside the grid', () => {
    expect(model.stepLatencyS({ kind: 'decode', batchSize: 1, tkv: 192 })).toBeCloseTo(0.015, 12);
    expect(model.stepLatencyS({ kind: 'decode', batchSize: 2, tkv: 128 })).toBeCloseTo(0.02, 12);
  });

  it('should extrapolate linearly past the grid (a ragged one: chunk sizes have their own contexts)', () => {
    expect(model.stepLatencyS({ kind: 'decode', batchSize: 1, tkv: 512 })).toBeCloseTo(0.04, 12);
    expect(model.stepLatencyS({ kind: 'prefill', chunkTokens: 256, contextTokens: 1024 })).toBeCloseTo(0.4, 12);
  });

  describe('when two entries name the same point', () => {
    it('should refuse the table', () => {
      expect(
        () => new TableCostModel({ prefill: [{ chunk_tokens: 64, context_tokens: 64, seconds: 1 }, { chunk_tokens: 64, context_tokens: 64, seconds: 2 }], decode: [{ batch_size: 1, tkv: 64, seconds: 1 }] }),
      ).toThrow(EngineError);
    });
  });
});
