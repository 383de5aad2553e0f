import { describe, expect, it } from 'vitest';
import { createLlmEngine } from '../../../src/app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';

const FIXTURE = '/work/shared/fixtures/real-models/ortgenai-tiny-llama-fp16';

describe('createLlmEngine over the onnxruntime-genai float16 fixture (genai_config.json, no config.json)', () => {
  describe('when its README prompt is generated greedily from text', () => {
    it('should encode it as the README says and produce the README tokens', async () => {
      const created = await createLlmEngine({ flags: { model: FIXTURE, maxModelLen: 256, maxNumBatchedTokens: 64 }, env: {}, logger: SILENT_LOGGER, intraOpNumThreads: 1 });
      try {
        expect(created.engine.codec.encode('Hello, my dog is cute')).toEqual([1, 15043, 29892, 590, 11203, 338, 274, 1082]);
        const [result] = await created.engine.generateBatch(['Hello, my dog is cute'], { temperature: 0, maxTokens: 10, ignoreEos: true });
        expect(result).toMatchObject({ kind: 'final', tokenIds: [18975, 25904, 23135, 30215, 1404, 5661, 18625, 22880, 902, 8061], finishReason: 'length' });
      } finally {
        await created.close();
      }
    });
  });
});
