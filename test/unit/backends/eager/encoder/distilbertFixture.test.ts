import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPoolingEngine } from '../../../../../src/app/createPoolingEngine.js';
import { collectingLogger } from '../../../../support/collectingLogger.js';
import { REAL_MODEL_FIXTURES } from '../../../../support/sharedPaths.js';
import { maxAbsDiff } from '../../../../unit/models/tinyModelFixture.js';

const FIXTURE = join(REAL_MODEL_FIXTURES, 'optimum-tiny-distilbert-classifier');
const INPUTS = [[101, 7592, 2088, 102], [101, 2023, 2003, 1037, 3231, 102], [101, 102], [2054, 101, 9999, 102]];

/** Logits of each input alone, unpadded, straight from onnxruntime: what the engine must reproduce. */
async function directLogits(): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(join(FIXTURE, 'onnx/model.onnx'), { intraOpNumThreads: 1 });
  try {
    const results: Float32Array[] = [];
    for (const ids of INPUTS) {
      const tensor = (values: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
      const out = await session.run({ input_ids: tensor(ids), attention_mask: tensor(ids.map(() => 1)) });
      results.push((out['logits']!.data as Float32Array).slice());
    }
    return results;
  } finally {
    await session.release();
  }
}

describe('having the real Optimum DistilBERT classifier export (no tokenizer)', () => {
  it('should load as a classify model, answer token ids like an unpadded run for 4×1 and 1×4, and refuse text saying it has no tokenizer', async () => {
    const expected = await directLogits();
    expect(Array.from(expected[0]!)).toEqual([expect.closeTo(0.00032, 5), expect.closeTo(-0.0002, 5)]); // as its README reports
    for (const batchSize of ['1', '4']) {
      const created = await createPoolingEngine({
        flags: { model: FIXTURE },
        env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: batchSize },
        logger: collectingLogger(),
        intraOpNumThreads: 1,
      });
      try {
        expect(created.config.task).toBe('classify');
        // Its graph counts positions from slot 0 and reads [CLS] at slot 0: rows go right-aligned to it.
        expect(created.model.leftPaddingInvariant).toBe(false);
        const results = await created.engine.classify(INPUTS);
        results.forEach((result, i) => expect(maxAbsDiff(result.logits, expected[i]!)).toBeLessThan(1e-7));
        expect(results[0]).toMatchObject({ label: 'NEGATIVE', labelIndex: 0 });
        await expect(created.engine.classify(['a sentence'])).rejects.toThrow(
          `The model at ${FIXTURE} ships no tokenizer (no tokenizer.json), so it cannot take text: send token ids instead.`,
        );
        await expect(created.engine.score([101], [[102]])).rejects.toThrow('scores need a cross-encoder with one label; this model has 2 labels (NEGATIVE, POSITIVE): use classify.');
      } finally {
        await created.close();
      }
    }
  });

  it('when asked to serve it as an embedding model, should fail at startup naming the supported task', async () => {
    await expect(createPoolingEngine({ flags: { model: FIXTURE, task: 'embed' }, env: {}, logger: collectingLogger() })).rejects.toThrow(
      `--task embed is not supported by ${FIXTURE}: it is a classifier with 2 labels (logits); supported tasks: classify.`,
    );
  });
});
