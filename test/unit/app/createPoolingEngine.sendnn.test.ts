// The pooling composition root with VLLM_SPYRE_DYNAMO_BACKEND=sendnn and sendnn_compile_only (the emulator).
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoolingEngine, startPoolingEngine, type CreatedPoolingEngine } from '../../../src/app/createPoolingEngine.js';
import { PassThrough } from 'node:stream';
import { runEmbed } from '../../../src/cli/commands/embed.js';
import { SendnnEncoderRunner } from '../../../src/backends/sendnn/encoder/sendnnEncoderRunner.js';
import { PoolingExecutor } from '../../../src/core/contracts/pooling.js';
import type { EmbeddingResult } from '../../../src/core/scheduler/pooling/poolingResults.js';
import { collectingLogger } from '../../support/collectingLogger.js';
import { buildTempEncoder, cosine, type TempEncoder } from '../../support/tinyEncoder.js';

const TEXTS = ['hello world', 'The quick brown fox jumps over the lazy dog.', 'A serving engine schedules requests.', 'short'];
const SHAPES = { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4,1', SPYRE_SENDNN_DEVICE_MEMORY_BYTES: String(1024 ** 3) };

let encoder: TempEncoder;
let cacheRoot: string;
beforeAll(() => {
  encoder = buildTempEncoder('tiny-embed', 3);
  cacheRoot = mkdtempSync(join(tmpdir(), 'spyre-app-sendnn-pooling-'));
});
afterAll(() => {
  encoder.remove();
  rmSync(cacheRoot, { recursive: true, force: true });
});

async function embedWith(env: Record<string, string>): Promise<{ results: readonly EmbeddingResult[]; executor: PoolingExecutor }> {
  const created: CreatedPoolingEngine = await createPoolingEngine({ flags: { model: encoder.dir, task: 'embed' }, env: { ...SHAPES, ...env }, logger: collectingLogger(), intraOpNumThreads: 1 });
  try {
    return { results: await created.engine.embed(TEXTS), executor: created.container.get(PoolingExecutor) };
  } finally {
    await created.close();
  }
}

describe('createPoolingEngine with VLLM_SPYRE_DYNAMO_BACKEND=sendnn', () => {
  describe('having an embedding model and texts', () => {
    it('should bind the sendnn encoder as the PoolingExecutor and give the eager embeddings (cosine >= 0.9999)', async () => {
      const eager = await embedWith({});
      const sendnn = await embedWith({ VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' });
      expect(eager.executor).not.toBeInstanceOf(SendnnEncoderRunner);
      expect(sendnn.executor).toBeInstanceOf(SendnnEncoderRunner);
      expect(sendnn.results).toHaveLength(TEXTS.length);
      sendnn.results.forEach((result, i) => {
        const expected = eager.results[i] as EmbeddingResult;
        expect(result.embedding).toHaveLength(expected.embedding.length);
        expect(cosine(result.embedding, expected.embedding)).toBeGreaterThanOrEqual(0.9999);
        expect(result.promptTokens).toBe(expected.promptTokens);
      });
    });
  });

  describe('when sendnn_compile_only runs, then sendnn starts on the same cache', () => {
    it('should compile one program per warmup shape and record the pooling entry, then load both from the cache', async () => {
      const cacheDir = join(cacheRoot, 'compile-only');
      const cacheEnv = { ...SHAPES, TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: cacheDir };
      const started = await startPoolingEngine({ flags: { model: encoder.dir, task: 'embed' }, env: { ...cacheEnv, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only' }, logger: collectingLogger() });
      if (started.kind !== 'compiled') throw new Error('expected a compile-only start');
      expect(started.report.sources).toEqual(['compiled', 'compiled']);
      const catalog = JSON.parse(readFileSync(join(cacheDir, 'pre_compiled_cache_catalog.json'), 'utf8')) as { data: Record<string, unknown> }[];
      expect(catalog.map((entry) => entry.data)).toEqual([{ MODEL_NAME: encoder.dir, NUM_AIUS: 1, VLLM_SPYRE_WARMUP_PROMPT_LENS: '128,64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1,4' }]);
      const served = await embedWith({ ...cacheEnv, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' });
      expect((served.executor as SendnnEncoderRunner).residentPrograms().map((program) => program.source)).toEqual(['cache', 'cache']);
    });
  });

  describe('when spyre embed runs with sendnn_compile_only', () => {
    it('should print the compile summary and embed nothing', async () => {
      const out = new PassThrough();
      let printed = '';
      out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      const env = { ...SHAPES, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only', TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: join(cacheRoot, 'embed-cli') };
      const results = await runEmbed(TEXTS, { model: encoder.dir, logLevel: 'error' }, out, env);
      expect(results).toEqual([]);
      expect(printed).toMatch(/^sendnn_compile_only: 2 programs in .*\(2 compiled, 0 recompiled, 0 already in the cache\)/);
    });
  });

  describe('when createPoolingEngine is asked for sendnn_compile_only', () => {
    it('should refuse: only startPoolingEngine compiles without serving', async () => {
      await expect(createPoolingEngine({ flags: { model: encoder.dir }, env: { ...SHAPES, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only' }, logger: collectingLogger() })).rejects.toThrow(
        /sendnn_compile_only compiles into the cache and serves nothing: start through startPoolingEngine/,
      );
    });
  });
});
