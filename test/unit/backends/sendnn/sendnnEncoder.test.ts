import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoderModel } from '../../../../src/backends/eager/encoder/encoderModel.js';
import { EncoderRunner } from '../../../../src/backends/eager/encoder/encoderRunner.js';
import { verifyCatalog } from '../../../../src/backends/sendnn/cache/catalogFile.js';
import { runSendnnCompileOnly } from '../../../../src/backends/sendnn/sendnnCompileOnly.js';
import { openSendnnEncoder, type SendnnEncoderRunner } from '../../../../src/backends/sendnn/encoder/sendnnEncoderRunner.js';
import { resolveEngineConfig } from '../../../../src/core/config/resolveEngineConfig.js';
import { asRequestId } from '../../../../src/core/contracts/ids.js';
import { SILENT_LOGGER } from '../../../../src/core/contracts/logger.js';
import { padPoolingBatch } from '../../../../src/core/scheduler/pooling/padPoolingBatch.js';
import { buildEncoderModel } from '../../../../src/models/build/encoder/index.js';
import { loadEncoderReference, referenceClassifierLogits, referenceEmbedding } from '../../../../src/models/reference/encoder/index.js';
import { randomIds } from '../../../support/tinyModel.js';
import { RecordingLogger } from './sendnnRig.js';

let root: string;
const SHAPES_ENV = { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '3,1' };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'spyre-sendnn-encoder-'));
  buildEncoderModel({ preset: 'tiny-embed', outDir: join(root, 'embed') });
  buildEncoderModel({ preset: 'tiny-cross-encoder', outDir: join(root, 'cross') });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function open(dir: string, task: 'embed' | 'score', env: Record<string, string> = {}, deviceMemoryBytes = 1024 ** 3): SendnnEncoderRunner {
  const config = resolveEngineConfig({ model: dir, task }, { ...SHAPES_ENV, ...env }, SILENT_LOGGER);
  return openSendnnEncoder(config, SILENT_LOGGER, { deviceMemoryBytes });
}

const l2 = (v: Float32Array): Float32Array => {
  const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  return v.map((x) => x / norm);
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
};

describe('sendnn encoder programs', () => {
  describe('having an embedding model and left-padded batches of two shapes', () => {
    it('should return the reference embeddings (after normalisation) for every row', async () => {
      const runner = open(join(root, 'embed'), 'embed');
      const reference = loadEncoderReference(join(root, 'embed'));
      try {
        await runner.warmup([{ promptLength: 64, batchSize: 3 }, { promptLength: 128, batchSize: 1 }], SILENT_LOGGER);
        const vocab = runner.description.vocabSize;
        const prompts = [randomIds(1, 10, 5, vocab), randomIds(2, 64, 5, vocab)];
        const batch = padPoolingBatch(0, { promptLength: 64, batchSize: 3 }, prompts.map((tokenIds, i) => ({ requestId: asRequestId(`r${i}`), tokenIds })), runner.description.padTokenId);
        const { outputs } = await runner.execute(batch);
        expect(outputs).toHaveLength(2);
        prompts.forEach((prompt, i) => expect(maxDiff(l2(outputs[i] as Float32Array), referenceEmbedding(reference, prompt))).toBeLessThan(1e-4));
        const long = randomIds(3, 100, 5, vocab);
        const single = await runner.execute(padPoolingBatch(1, { promptLength: 128, batchSize: 1 }, [{ requestId: asRequestId('x'), tokenIds: long }], runner.description.padTokenId));
        expect(maxDiff(l2(single.outputs[0] as Float32Array), referenceEmbedding(reference, long))).toBeLessThan(1e-4);
      } finally {
        await runner.close();
      }
    });
  });

  describe('having a cross-encoder and token types', () => {
    it('should return the reference classifier logits', async () => {
      const runner = open(join(root, 'cross'), 'score');
      const reference = loadEncoderReference(join(root, 'cross'));
      try {
        await runner.warmup([{ promptLength: 64, batchSize: 3 }], SILENT_LOGGER);
        expect(runner.description.outputKind).toBe('logits');
        const vocab = runner.description.vocabSize;
        const ids = randomIds(4, 30, 5, vocab);
        const types = ids.map((_, i) => (i < 12 ? 0 : 1));
        const batch = padPoolingBatch(0, { promptLength: 64, batchSize: 3 }, [{ requestId: asRequestId('q'), tokenIds: ids, tokenTypeIds: types }], runner.description.padTokenId);
        const { outputs } = await runner.execute(batch);
        expect(maxDiff(outputs[0] as Float32Array, referenceClassifierLogits(reference, ids, types))).toBeLessThan(1e-4);
      } finally {
        await runner.close();
      }
    });
  });

  describe('having the same batches on the eager encoder', () => {
    it('should give the same pooled vectors and logits as eager', async () => {
      for (const [name, task] of [['embed', 'embed'], ['cross', 'score']] as const) {
        const dir = join(root, name);
        const shapes = [{ promptLength: 64, batchSize: 3 }];
        const sendnn = open(dir, task);
        const eagerModel = await loadEncoderModel(dir);
        const eager = new EncoderRunner(eagerModel);
        try {
          await sendnn.warmup(shapes, SILENT_LOGGER);
          await eager.warmup(shapes, SILENT_LOGGER);
          const vocab = sendnn.description.vocabSize;
          const rows = [randomIds(21, 7, 5, vocab), randomIds(22, 50, 5, vocab), randomIds(23, 64, 5, vocab)];
          const batch = padPoolingBatch(0, shapes[0]!, rows.map((tokenIds, i) => ({ requestId: asRequestId(`r${i}`), tokenIds })), sendnn.description.padTokenId);
          const expected = (await eager.execute(batch)).outputs;
          const actual = (await sendnn.execute(batch)).outputs;
          expect(actual.map((v) => v.length)).toEqual(expected.map((v) => v.length));
          actual.forEach((vector, i) => expect(maxDiff(vector, expected[i] as Float32Array), `${name} row ${i}`).toBeLessThan(1e-4));
        } finally {
          await sendnn.close();
          await eager.close();
        }
      }
    });
  });

  describe('having the compilation cache enabled', () => {
    it('should load every encoder program from the cache on the second start, with the same outputs', async () => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'spyre-sendnn-encoder-cache-'));
      const env = { TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: cacheDir };
      const shapes = [{ promptLength: 64, batchSize: 3 }];
      try {
        const outputsOf = async (logger: RecordingLogger): Promise<Float32Array> => {
          const runner = open(join(root, 'embed'), 'embed', env);
          try {
            await runner.warmup(shapes, logger);
            const batch = padPoolingBatch(0, shapes[0]!, [{ requestId: asRequestId('a'), tokenIds: randomIds(9, 20, 5, runner.description.vocabSize) }], runner.description.padTokenId);
            return (await runner.execute(batch)).outputs[0] as Float32Array;
          } finally {
            await runner.close();
          }
        };
        const cold = new RecordingLogger();
        const warm = new RecordingLogger();
        const first = await outputsOf(cold);
        const second = await outputsOf(warm);
        expect(cold.lines.some((line) => line.includes('encoder batch 3 x prompt 64 compiled'))).toBe(true);
        expect(warm.lines.some((line) => line.includes('encoder batch 3 x prompt 64 loaded from the cache'))).toBe(true);
        expect(second).toEqual(first);
      } finally {
        rmSync(cacheDir, { recursive: true, force: true });
      }
    });
  });

  describe('when sendnn_compile_only runs for a pooling model', () => {
    it('should compile one program per warmup shape and record a pooling catalog entry', async () => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'spyre-sendnn-encoder-catalog-'));
      try {
        const config = resolveEngineConfig(
          { model: join(root, 'embed'), task: 'embed' },
          { ...SHAPES_ENV, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only', TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: cacheDir },
          SILENT_LOGGER,
        );
        const report = await runSendnnCompileOnly(config, SILENT_LOGGER, { deviceMemoryBytes: 1024 ** 3 });
        expect(report.sources).toEqual(['compiled', 'compiled']);
        expect(report.entry.data).toEqual({ MODEL_NAME: join(root, 'embed'), NUM_AIUS: 1, VLLM_SPYRE_WARMUP_PROMPT_LENS: '128,64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1,3' });
        expect(verifyCatalog(cacheDir).map((check) => check.problems)).toEqual([[]]);
      } finally {
        rmSync(cacheDir, { recursive: true, force: true });
      }
    });
  });

  describe('when the device memory cannot hold a warmup shape', () => {
    it('should fail warmup naming the program, its size and the capacity, and report the estimate up front', async () => {
      const runner = open(join(root, 'embed'), 'embed', {}, 400_000);
      try {
        const shape = { promptLength: 128, batchSize: 1 };
        const estimate = runner.estimateMemory(shape);
        expect(estimate.programBytes + estimate.activationBytes).toBeGreaterThan(400_000);
        expect(runner.deviceMemoryBytes).toBe(400_000);
        await expect(runner.warmup([shape], SILENT_LOGGER)).rejects.toThrow(
          /sendnn_buffer_alloc_encoder_weights failed with SENDNN_E_DEVICE_MEMORY: device memory exceeded: the encoder weights buffer needs \d+ bytes, but only 400000 of the device's 400000 bytes are free/,
        );
      } finally {
        await runner.close();
      }
    });
  });
});
