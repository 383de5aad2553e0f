import { describe, expect, it } from 'vitest';
import { LinearCostModel } from '../../../sim/cost/linearCostModel.js';
import type { StepShape } from '../../../sim/cost/stepShape.js';

const PER_TOKEN = { fixed_s: 0, prefill_s: 0, prefill_per_token_s: 1, prefill_per_token_context_s: 0, decode_per_seq_s: 0, decode_per_seq_tkv_s: 0 };
const PER_TOKEN_CONTEXT = { ...PER_TOKEN, prefill_per_token_s: 0, prefill_per_token_context_s: 1 };
/** The last chunk (C = 128) of a 228-token prompt: 100 prompt tokens after 128, left padding of 28 slots. */
const LAST_CHUNK: StepShape = { kind: 'prefill', chunkTokens: 128, contextTokens: 256, validTokens: 100, pastTokens: 128 };

describe('having a prefill chunk that is partly padding', () => {
  describe('when the backend runs the whole fixed-shape chunk (padded basis)', () => {
    it('should price every slot and the padded context', () => {
      expect(new LinearCostModel(PER_TOKEN, 'padded', 'padded').stepLatencyS(LAST_CHUNK)).toBe(128);
      expect(new LinearCostModel(PER_TOKEN_CONTEXT, 'padded', 'padded').stepLatencyS(LAST_CHUNK)).toBe(128 * 256);
    });
  });

  describe('when the backend feeds only the prompt tokens (valid basis, eager)', () => {
    it('should price the prompt tokens over the real past', () => {
      expect(new LinearCostModel(PER_TOKEN, 'valid', 'valid').stepLatencyS(LAST_CHUNK)).toBe(100);
      expect(new LinearCostModel(PER_TOKEN_CONTEXT, 'valid', 'valid').stepLatencyS(LAST_CHUNK)).toBe(100 * 228);
    });

    it('should leave decode steps alone', () => {
      const decode: StepShape = { kind: 'decode', batchSize: 4, tkv: 300 };
      const model = { ...PER_TOKEN, decode_per_seq_tkv_s: 1 };
      expect(new LinearCostModel(model, 'valid', 'valid').stepLatencyS(decode)).toBe(new LinearCostModel(model, 'padded', 'padded').stepLatencyS(decode));
    });
  });
});
