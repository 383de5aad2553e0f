import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoolingEngine, type CreatedPoolingEngine } from '../../../../../src/app/createPoolingEngine.js';
import { TokenizerPoolingTextEncoder } from '../../../../../src/app/poolingTextEncoder.js';
import { sigmoid } from '../../../../../src/core/scheduler/pooling/index.js';
import { readModelDir } from '../../../../../src/models/dir/index.js';
import { loadEncoderReference, referenceClassifierLogits, type EncoderReferenceModel } from '../../../../../src/models/reference/encoder/index.js';
import { collectingLogger } from '../../../../support/collectingLogger.js';
import { buildTempEncoder, type TempEncoder } from '../../../../support/tinyEncoder.js';

const QUERY = 'what is a fox';
const DOCUMENTS = ['The quick brown fox jumps over the lazy dog.', 'Hello, world!', 'a fox is a small animal', 'Numbers like 0, 1, 2 and 42.'];

async function engineWith(dir: string, batchSize: number): Promise<CreatedPoolingEngine> {
  return createPoolingEngine({
    flags: { model: dir },
    env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: String(batchSize) },
    logger: collectingLogger(),
    intraOpNumThreads: 1,
  });
}

describe('having the tiny-cross-encoder model served by the pooling engine', () => {
  let model: TempEncoder;
  let reference: EncoderReferenceModel;
  let expectedScores: number[];
  beforeAll(() => {
    model = buildTempEncoder('tiny-cross-encoder');
    reference = loadEncoderReference(model.dir);
    const encoder = TokenizerPoolingTextEncoder.fromModelDir(readModelDir(model.dir));
    expectedScores = DOCUMENTS.map((document) => {
      const pair = encoder.encodePair(QUERY, document);
      return sigmoid(referenceClassifierLogits(reference, pair.tokenIds, pair.tokenTypeIds)[0]!);
    });
  });
  afterAll(() => model.remove());

  it('should score each (query, document) pair as sigmoid of the reference logit, alike for 4×1 and 1×4', async () => {
    for (const batchSize of [1, 4]) {
      const created = await engineWith(model.dir, batchSize);
      try {
        expect(created.config.task).toBe('score');
        const scores = await created.engine.score(QUERY, DOCUMENTS);
        scores.forEach((score, i) => {
          expect(score.index).toBe(i);
          expect(Math.abs(score.score - expectedScores[i]!)).toBeLessThan(1e-5);
        });
      } finally {
        await created.close();
      }
    }
    expect(new Set(expectedScores.map((s) => s.toFixed(3))).size).toBe(DOCUMENTS.length); // the scores differ
  });

  it('should rerank best first and cut to top_n', async () => {
    const created = await engineWith(model.dir, 2);
    try {
      const ranked = await created.engine.rerank(QUERY, DOCUMENTS, { topN: 3 });
      const order = expectedScores.map((score, index) => ({ score, index })).sort((a, b) => b.score - a.score).map((entry) => entry.index);
      expect(ranked.map((entry) => entry.index)).toEqual(order.slice(0, 3));
      expect(ranked[0]!.relevanceScore).toBeCloseTo(expectedScores[order[0]!]!, 5);
      await expect(created.engine.rerank(QUERY, DOCUMENTS, { topN: -1 })).rejects.toThrow('top_n must be a non-negative integer, but it was -1.');
      const pairs = await created.engine.scorePairs([[QUERY, DOCUMENTS[2]!], [QUERY, DOCUMENTS[0]!]]);
      expect(pairs.map((pair) => pair.score)).toEqual([expect.closeTo(expectedScores[2]!, 5), expect.closeTo(expectedScores[0]!, 5)]);
    } finally {
      await created.close();
    }
  });

  it('should classify with one label (softmax of one logit is 1) and refuse embeddings', async () => {
    const created = await engineWith(model.dir, 1);
    try {
      const [result] = await created.engine.classify(['hello']);
      expect(result).toMatchObject({ label: 'LABEL_0', labelIndex: 0, probs: [1] });
      await expect(created.engine.embed(['hello'])).rejects.toThrow(/embeddings are not available: .* is a classifier \(logits\)\./);
      await expect(created.engine.score([1, 2], ['text'])).rejects.toThrow('query and documents must both be text or both be token ids.');
    } finally {
      await created.close();
    }
  });
});
