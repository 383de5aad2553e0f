import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoolingEngine, type CreatedPoolingEngine } from '../../../../../src/app/createPoolingEngine.js';
import { TokenizerPoolingTextEncoder } from '../../../../../src/app/poolingTextEncoder.js';
import { EngineError } from '../../../../../src/core/contracts/errors.js';
import { readModelDir } from '../../../../../src/models/dir/index.js';
import { loadEncoderReference, referenceEmbedding, type EncoderReferenceModel } from '../../../../../src/models/reference/encoder/index.js';
import { collectingLogger, type CollectingLogger } from '../../../../support/collectingLogger.js';
import { buildTempEncoder, cosine, type TempEncoder } from '../../../../support/tinyEncoder.js';
import { maxAbsDiff, randomIds } from '../../../../unit/models/tinyModelFixture.js';

const TEXTS = ['hello world', 'The quick brown fox jumps over the lazy dog.', 'A serving engine schedules requests.', 'Emoji are text too: 🙂 🚀'];

async function engineWith(dir: string, lens: string, batches: string, logger: CollectingLogger = collectingLogger()): Promise<CreatedPoolingEngine> {
  return createPoolingEngine({
    flags: { model: dir, logLevel: 'debug' },
    env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: lens, VLLM_SPYRE_WARMUP_BATCH_SIZES: batches },
    logger,
    intraOpNumThreads: 1,
  });
}

const batchLines = (logger: CollectingLogger): string[] => logger.lines.filter((line) => line.startsWith('DEBUG pooling batch'));

describe('having the tiny-embed model served by the pooling engine', () => {
  let model: TempEncoder;
  let reference: EncoderReferenceModel;
  let tokenized: number[][];
  beforeAll(() => {
    model = buildTempEncoder('tiny-embed');
    reference = loadEncoderReference(model.dir);
    const encoder = TokenizerPoolingTextEncoder.fromModelDir(readModelDir(model.dir));
    tokenized = TEXTS.map((text) => [...encoder.encode(text).tokenIds]);
  });
  afterAll(() => model.remove());

  it('should embed texts as the reference forward does (mean pooling, L2-normalised), cosine >= 0.9999', async () => {
    const created = await engineWith(model.dir, '64', '4');
    try {
      const results = await created.engine.embed(TEXTS);
      results.forEach((result, i) => {
        const expected = referenceEmbedding(reference, tokenized[i]!);
        expect(result.promptTokens).toBe(tokenized[i]!.length);
        expect(tokenized[i]![0]).toBe(1); // [CLS] added by the tokenizer's post-processor
        expect(cosine(result.embedding, expected)).toBeGreaterThanOrEqual(0.9999);
        expect(Math.hypot(...result.embedding)).toBeCloseTo(1, 5);
      });
      const raw = await created.engine.embed([tokenized[1]!], { normalize: false });
      expect(Math.hypot(...raw[0]!.embedding)).not.toBeCloseTo(1, 2);
      expect(cosine(raw[0]!.embedding, referenceEmbedding(reference, tokenized[1]!))).toBeGreaterThanOrEqual(0.9999);
    } finally {
      await created.close();
    }
  });

  it('when the same four inputs run as 4×1, 2×2 and 1×4, should give the same vectors within 1e-5', async () => {
    const inputs = [tokenized[0]!, randomIds(1, 50, 512), tokenized[2]!, randomIds(2, 64, 512)];
    const vectors: Float32Array[][] = [];
    for (const [batchSize, expectedBatches] of [[1, 4], [2, 2], [4, 1]] as const) {
      const logger = collectingLogger();
      const created = await engineWith(model.dir, '64', String(batchSize), logger);
      try {
        vectors.push((await created.engine.embed(inputs)).map((result) => result.embedding));
      } finally {
        await created.close();
      }
      expect(batchLines(logger)).toHaveLength(expectedBatches);
      expect(batchLines(logger).every((line) => line.includes(`${4 / expectedBatches} requests`))).toBe(true);
    }
    for (const other of vectors.slice(1)) {
      other.forEach((vector, i) => expect(maxAbsDiff(vector, vectors[0]![i]!)).toBeLessThan(1e-5));
    }
  });

  it('when concurrent calls arrive in one tick, should batch them together on the smallest fitting shape', async () => {
    const logger = collectingLogger();
    const created = await engineWith(model.dir, '64,128,64', '1,2,4', logger);
    try {
      const [a, b] = await Promise.all([created.engine.embed([randomIds(3, 100, 512)]), created.engine.embed([randomIds(4, 20, 512)])]);
      expect(a).toHaveLength(1);
      expect(b).toHaveLength(1);
      expect(batchLines(logger)).toEqual(['DEBUG pooling batch 0: shape (prompt length 128, batch size 2), 2 requests']);
    } finally {
      await created.close();
    }
  });

  it('when one call is longer than every shape, should refuse it with its length and the largest shape, and serve the others unchanged', async () => {
    const logger = collectingLogger();
    const created = await engineWith(model.dir, '64,128', '2,1', logger);
    try {
      const alone = await created.engine.embed([tokenized[0]!]);
      const before = batchLines(logger).length;
      const [first, rejected, last] = await Promise.allSettled([
        created.engine.embed([tokenized[0]!]),
        created.engine.embed([tokenized[1]!, randomIds(5, 129, 512)]),
        created.engine.embed([tokenized[3]!]),
      ]);
      expect(rejected).toMatchObject({ status: 'rejected', reason: expect.any(EngineError) });
      expect((rejected as PromiseRejectedResult).reason.message).toBe(
        'The prompt is 129 tokens long, which is longer than the largest warmup shape (prompt length 128, batch size 1); it cannot be scheduled. ' +
          'Shorten the input or add a longer shape to VLLM_SPYRE_WARMUP_PROMPT_LENS.',
      );
      expect(first.status).toBe('fulfilled');
      expect(maxAbsDiff((first as PromiseFulfilledResult<typeof alone>).value[0]!.embedding, alone[0]!.embedding)).toBeLessThan(1e-5);
      expect(last.status).toBe('fulfilled');
      // The rejected call's other input never reached the device either: one batch of the two others.
      expect(batchLines(logger).slice(before)).toEqual(['DEBUG pooling batch 1: shape (prompt length 64, batch size 2), 2 requests']);
    } finally {
      await created.close();
    }
  });

  it('should log every warmup shape with its timing, and refuse tasks and inputs this model cannot serve', async () => {
    const logger = collectingLogger();
    const created = await engineWith(model.dir, '128,64', '1,2', logger);
    try {
      expect(logger.lines.filter((line) => line.startsWith('INFO Warmup shape 1/2') || line.startsWith('INFO Warmup shape 2/2'))).toEqual([
        expect.stringMatching(/^INFO Warmup shape 1\/2 \(prompt length 128, batch size 1\) took \d+\.\d ms$/),
        expect.stringMatching(/^INFO Warmup shape 2\/2 \(prompt length 64, batch size 2\) took \d+\.\d ms$/),
      ]);
      expect(created.config.task).toBe('embed');
      await expect(created.engine.score('q', ['d'])).rejects.toThrow(/scores are not available: .* is an embedding model \(last_hidden_state\)\./);
      await expect(created.engine.embed([[]])).rejects.toThrow('The input is empty: a pooling request needs at least one token.');
      await expect(created.engine.embed([[5, 512]])).rejects.toThrow("token id 512 at position 1 is outside the model's vocabulary (512 ids).");
    } finally {
      await created.close();
    }
  });

  it('when a call is aborted before its batch starts, should reject it and leave the others', async () => {
    const created = await engineWith(model.dir, '64', '1');
    try {
      const controller = new AbortController();
      const kept = created.engine.embed([tokenized[0]!, tokenized[1]!]);
      const aborted = created.engine.embed([tokenized[2]!], { signal: controller.signal });
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      await expect(kept).resolves.toHaveLength(2);
    } finally {
      await created.close();
    }
  });
});
