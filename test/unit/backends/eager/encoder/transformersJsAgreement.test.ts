import { env, pipeline } from '@huggingface/transformers';
import { basename, dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoolingEngine } from '../../../../../src/app/createPoolingEngine.js';
import { collectingLogger } from '../../../../support/collectingLogger.js';
import { buildTempEncoder, cosine, type TempEncoder } from '../../../../support/tinyEncoder.js';

const TEXTS = ['hello world', 'The quick brown fox jumps over the lazy dog.', 'Tokens, words and characters are not the same thing.'];

describe('having the tiny-embed model directory read by transformers.js as well', () => {
  let model: TempEncoder;
  beforeAll(() => {
    model = buildTempEncoder('tiny-embed');
  });
  afterAll(() => model.remove());

  it('should give the same embeddings as transformers.js feature extraction (its tokenizer, its padding)', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = dirname(model.dir);
    const extractor = await pipeline('feature-extraction', basename(model.dir), { dtype: 'fp32', session_options: { intraOpNumThreads: 1 } });
    const created = await createPoolingEngine({
      flags: { model: model.dir },
      env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '2' },
      logger: collectingLogger(),
      intraOpNumThreads: 1,
    });
    try {
      const ours = await created.engine.embed(TEXTS);
      const theirs = (await extractor(TEXTS, { pooling: 'mean', normalize: true })).data as Float32Array;
      ours.forEach((result, i) => expect(cosine(result.embedding, theirs.subarray(i * 64, (i + 1) * 64))).toBeGreaterThanOrEqual(0.99999));
    } finally {
      await created.close();
      await extractor.dispose();
    }
  });
});
