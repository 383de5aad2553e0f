// The generative composition root with VLLM_SPYRE_DYNAMO_BACKEND=sendnn and sendnn_compile_only (the emulator).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeLlmEngine, createLlmEngine, startLlmEngine, type CreatedLlmEngine } from '../../../src/app/createLlmEngine.js';
import { loadEagerModel, type EagerModel } from '../../../src/backends/eager/eagerModel.js';
import { SendnnSession } from '../../../src/backends/sendnn/sendnnSession.js';
import { EngineError } from '../../../src/core/contracts/errors.js';
import { SILENT_LOGGER, type Logger } from '../../../src/core/contracts/logger.js';
import type { BatchResult, GenerateParams } from '../../../src/core/engine/generationTypes.js';
import { SamplingStateStore } from '../../../src/core/engine/sampling/samplingStateStore.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../support/tinyModel.js';

class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void { this.lines.push(message); }
  info(message: string): void { this.lines.push(message); }
  warn(message: string): void { this.lines.push(message); }
  error(message: string): void { this.lines.push(message); }
}

let tiny: TinyModelDir;
let model: EagerModel;
let cacheRoot: string;
const FLAGS = { maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64 };
const PROMPTS = ['the engine serves tokens', 'paged blocks and chunked prefill on two cores', 'a'];
const GREEDY: GenerateParams = { temperature: 0, maxTokens: 8, ignoreEos: true };
const DEVICE = { SPYRE_SENDNN_DEVICE_MEMORY_BYTES: String(1024 ** 3) };

beforeAll(async () => {
  tiny = buildTinyModel(5);
  model = await loadEagerModel(tiny.dir, { intraOpNumThreads: 1 });
  cacheRoot = mkdtempSync(join(tmpdir(), 'spyre-app-sendnn-'));
});
afterAll(async () => {
  await model.session.release();
  tiny.remove();
  rmSync(cacheRoot, { recursive: true, force: true });
});

const summary = (results: readonly (BatchResult | undefined)[]): unknown[] =>
  results.map((result) => (result?.kind === 'final' ? { text: result.text, tokenIds: result.tokenIds, finishReason: result.finishReason } : result));

function compose(env: Record<string, string>, logger: Logger = SILENT_LOGGER, flags: Partial<typeof FLAGS> & { numBlocks?: number; maxNumSeqs?: number } = {}): Promise<CreatedLlmEngine> {
  return createLlmEngine({ flags: { model: tiny.dir, ...FLAGS, ...flags }, env: { ...DEVICE, ...env }, logger, intraOpNumThreads: 1 });
}

async function generate(created: CreatedLlmEngine, prompts: Parameters<CreatedLlmEngine['engine']['generateBatch']>[0], params: GenerateParams): Promise<unknown[]> {
  try {
    return summary(await created.engine.generateBatch(prompts, params));
  } finally {
    await created.close();
  }
}

describe('createLlmEngine with VLLM_SPYRE_DYNAMO_BACKEND=sendnn', () => {
  describe('having text prompts and greedy sampling', () => {
    it('should give the same text and token ids as eager, on the sendnn session', async () => {
      const expected = await generate(await compose({}), PROMPTS, GREEDY);
      const created = await createLlmEngine({ flags: { model: tiny.dir, ...FLAGS }, env: { ...DEVICE, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, logger: SILENT_LOGGER, intraOpNumThreads: 1 });
      expect(created.container.isBound(SendnnSession)).toBe(true);
      const actual = await generate(created, PROMPTS, GREEDY);
      expect(actual).toEqual(expected);
      expect(actual.every((result) => (result as { tokenIds: number[] }).tokenIds.length === 8)).toBe(true);
    });
  });

  describe('having seeded sampling with penalties and a KV pool small enough to force preemption', () => {
    it('should give the same tokens as eager and release every sampling state', async () => {
      const prompts = [0, 1, 2, 3].map((i) => ({ promptTokenIds: randomIds(70 + i, 90 + 10 * i, 3, 400) }));
      const params = (i: number): GenerateParams => ({ temperature: 1, topK: 50, seed: 100 + i, frequencyPenalty: 0.5, repetitionPenalty: 1.2, maxTokens: 60, ignoreEos: true });
      const run = async (env: Record<string, string>, numBlocks: number | undefined) => {
        const created = await compose(env, SILENT_LOGGER, { maxNumSeqs: 4, ...(numBlocks !== undefined ? { numBlocks } : {}) });
        try {
          const results = await Promise.all(prompts.map(async (prompt, i) => (await created.engine.generateBatch([prompt], params(i)))[0]));
          return { tokens: summary(results), preemptions: created.engine.core.stats().numPreemptions, statesLeft: created.container.get(SamplingStateStore).size };
        } finally {
          await created.close();
        }
      };
      const eager = await run({}, 7);
      const sendnnRoomy = await run({ VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, undefined);
      const sendnnTight = await run({ VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, 7);
      expect(eager.preemptions).toBeGreaterThan(0);
      expect(sendnnTight.preemptions).toBeGreaterThan(0);
      expect(sendnnRoomy.preemptions).toBe(0);
      expect(sendnnTight.tokens).toEqual(eager.tokens);
      expect(sendnnTight.tokens).toEqual(sendnnRoomy.tokens);
      expect(sendnnTight.statesLeft).toBe(0);
    });
  });

  describe('having TORCH_SENDNN_CACHE_ENABLE=1 and a cache directory', () => {
    it('should compile every program on the first start and load every one from the cache on the second', async () => {
      const cacheDir = join(cacheRoot, 'cache-reuse');
      const env = { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: cacheDir };
      const first = new RecordingLogger();
      const cold = await compose(env, first);
      const coldSources = cold.container.get(SendnnSession).decode.map((program) => program.source);
      const coldTokens = await generate(cold, PROMPTS.slice(0, 1), GREEDY);
      const second = new RecordingLogger();
      const warm = await compose(env, second);
      const session = warm.container.get(SendnnSession);
      expect([session.prefill, ...session.decode].map((program) => program.source)).toEqual(['cache', 'cache', 'cache']);
      expect(coldSources).toEqual(['compiled', 'compiled']);
      expect(first.lines.find((line) => line.startsWith('[sendnn] warmup done'))).toMatch(/0 from the cache, 3 compiled, 0 recompiled; compilation cache enabled/);
      expect(second.lines.find((line) => line.startsWith('[sendnn] warmup done'))).toMatch(/3 from the cache, 0 compiled, 0 recompiled; compilation cache enabled/);
      expect(await generate(warm, PROMPTS.slice(0, 1), GREEDY)).toEqual(coldTokens);
    });
  });

  describe('when the sendnn startup fails after the model is loaded', () => {
    it('should reject with the backend error and leave nothing open', async () => {
      const env = { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', SPYRE_SENDNN_DEVICE_MEMORY_BYTES: '100000' };
      await expect(createLlmEngine({ flags: { model: tiny.dir, ...FLAGS }, env, logger: SILENT_LOGGER, intraOpNumThreads: 1 })).rejects.toThrow(/device memory exceeded at warmup/);
    });
  });
});

describe('startLlmEngine with VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only, then VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS=1', () => {
  const cacheDir = (): string => join(cacheRoot, 'precompiled');
  const cacheEnv = (): Record<string, string> => ({ ...DEVICE, TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: cacheDir() });

  it('should compile into the cache, record the catalog entry and serve nothing; then start from the cache, and refuse another chunk size', async () => {
    const logger = new RecordingLogger();
    const started = await startLlmEngine({ flags: { model: tiny.dir, ...FLAGS }, env: { ...cacheEnv(), VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only' }, logger });
    if (started.kind !== 'compiled') throw new Error('expected a compile-only start');
    expect(started.report.sources).toEqual(['compiled', 'compiled', 'compiled']);
    expect(started.summary).toMatch(/^sendnn_compile_only: 3 programs in .*\(3 compiled, 0 recompiled, 0 already in the cache\).*catalog entry .*"VLLM_DT_MAX_CONTEXT_LEN":256,"VLLM_DT_MAX_BATCH_SIZE":2/);
    expect(logger.lines).toContain(started.summary);
    const catalog = JSON.parse(readFileSync(join(cacheDir(), 'pre_compiled_cache_catalog.json'), 'utf8')) as { data: Record<string, unknown>; spyre_engine: { programs: { file: string }[] } }[];
    expect(catalog).toHaveLength(1);
    expect(catalog[0]?.data).toEqual({ MODEL_NAME: tiny.dir, NUM_AIUS: 1, VLLM_DT_MAX_CONTEXT_LEN: 256, VLLM_DT_MAX_BATCH_SIZE: 2 });
    expect(catalog[0]?.spyre_engine.programs.map((program) => existsSync(join(cacheDir(), program.file)))).toEqual([true, true, true]);

    const required = { ...cacheEnv(), VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS: '1' };
    const served = await startLlmEngine({ flags: { model: tiny.dir, ...FLAGS }, env: required, logger: SILENT_LOGGER, intraOpNumThreads: 1 });
    if (served.kind !== 'serving') throw new Error('expected a serving start');
    const session = served.created.container.get(SendnnSession);
    expect([session.prefill, ...session.decode].every((program) => program.source === 'cache')).toBe(true);
    const tokens = await generate(served.created, PROMPTS.slice(0, 1), GREEDY);
    expect(tokens).toEqual(await generate(await compose({}), PROMPTS.slice(0, 1), GREEDY));

    const otherChunk = startLlmEngine({ flags: { model: tiny.dir, ...FLAGS, maxNumBatchedTokens: 128 }, env: required, logger: SILENT_LOGGER, intraOpNumThreads: 1 });
    await expect(otherChunk).rejects.toBeInstanceOf(EngineError);
    await expect(otherChunk).rejects.toThrow(/^RuntimeError: Compilation disabled: the prefill chunk 128/);
  });

  it('should refuse sendnn_compile_only in composeLlmEngine, which only returns serving engines', () => {
    expect(() => composeLlmEngine(model, { flags: { model: tiny.dir, ...FLAGS }, logger: SILENT_LOGGER, env: { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only', TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: cacheDir() } })).toThrow(/compiles into the cache and serves nothing: start through startLlmEngine/);
  });
});
