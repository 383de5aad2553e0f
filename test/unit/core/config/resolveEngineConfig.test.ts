import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../../src/core/contracts/logger.js';
import type { EngineFlags } from '../../../../src/core/config/engineFlags.js';
import { resolveEngineConfig, startupSummary } from '../../../../src/core/config/resolveEngineConfig.js';
import { engineErrorOf } from '../../../support/engineErrors.js';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string): void => void lines.push(message);
  return { lines, debug: push, info: push, warn: push, error: push };
}

function resolve(flags: Partial<EngineFlags>, env: Record<string, string> = {}, logger = recordingLogger()) {
  return resolveEngineConfig({ model: 'some/model', ...flags }, env, logger);
}

const errorOf = engineErrorOf;

describe('having flags and environment', () => {
  it('when nothing is given, should use the documented defaults', () => {
    const config = resolve({});
    expect(config).toMatchObject({ maxModelLen: 2048, maxNumSeqs: 4, maxNumBatchedTokens: 2048, enablePrefixCaching: false, backend: 'eager', interleaveSteps: true, blockSize: 64, host: '127.0.0.1', port: 8000 });
    expect(config.maxBatchTkvLimit).toBe(2048 * 4);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when the chunk size is not a multiple of 64, should fail with the spec text', () => {
    expect(errorOf(() => resolve({ maxNumBatchedTokens: 100 })).message).toBe(
      '`max_num_batched_tokens` must be divisible by the block size (64) to enable chunked prefill. It was set to `100`. Please set `--max-num-batched-tokens` to a number that satisfies this constraint.',
    );
  });

  it('when VLLM_SPYRE_DYNAMO_BACKEND is unknown, should list the accepted values', () => {
    const error = errorOf(() => resolve({}, { VLLM_SPYRE_DYNAMO_BACKEND: 'inductor' }));
    expect(error.kind).toBe('invalid_config');
    expect(error.message).toContain("'inductor'");
    expect(error.message).toContain('eager, sendnn, sendnn_compile_only');
  });

  it('when an integer variable does not parse, should name the variable and the value', () => {
    expect(errorOf(() => resolve({}, { VLLM_DT_MAX_BATCH_TKV_LIMIT: '8k' })).message).toBe("Environment variable VLLM_DT_MAX_BATCH_TKV_LIMIT must be an integer, but it was set to '8k'.");
    expect(errorOf(() => resolve({}, { VLLM_SPYRE_CP_INTERLEAVE_STEPS: 'yes' })).message).toContain('VLLM_SPYRE_CP_INTERLEAVE_STEPS');
  });

  it('when granite-3.3-8b-instruct runs with tp=4 and no chunk size, should choose 1024 and log it', () => {
    const logger = recordingLogger();
    const config = resolve({ model: 'ibm-granite/granite-3.3-8b-instruct', tensorParallelSize: 4 }, {}, logger);
    expect(config.maxNumBatchedTokens).toBe(1024);
    expect(logger.lines.some((line) => line.includes('1024'))).toBe(true);
  });

  it('when granite is recognised by its config shape, should also choose 1024; with tp=1 or an explicit chunk, should not', () => {
    const hints = { modelType: 'granite', numHiddenLayers: 40, hiddenSize: 4096, vocabSize: 49159, numAttentionHeads: 32, numKeyValueHeads: 8 };
    expect(resolveEngineConfig({ model: '/models/g', tensorParallelSize: 4 }, {}, recordingLogger(), hints).maxNumBatchedTokens).toBe(1024);
    expect(resolveEngineConfig({ model: '/models/g', tensorParallelSize: 1 }, {}, recordingLogger(), hints).maxNumBatchedTokens).toBe(2048);
    expect(resolveEngineConfig({ model: '/models/g', tensorParallelSize: 4, maxNumBatchedTokens: 512 }, {}, recordingLogger(), hints).maxNumBatchedTokens).toBe(512);
  });

  it('should size the KV pool as ceil((N*floor(L/64) + 1) / N) * N blocks', () => {
    expect(resolve({ maxModelLen: 512, maxNumSeqs: 4 }).numBlocks).toBe(36);
    expect(resolve({ maxModelLen: 2048, maxNumSeqs: 1 }).numBlocks).toBe(33);
    expect(resolve({ maxModelLen: 100, maxNumSeqs: 3 }).numBlocks).toBe(6);
  });

  it('when the block override is not a multiple of max_num_seqs, should round it down and log it', () => {
    const logger = recordingLogger();
    expect(resolve({ maxModelLen: 512, maxNumSeqs: 4, numGpuBlocksOverride: 43 }, {}, logger).numBlocks).toBe(40);
    expect(logger.lines.some((line) => line.includes('rounded down to 40'))).toBe(true);
  });

  it('when the blocks cannot hold one batch of context, should fail with the spec text', () => {
    expect(errorOf(() => resolve({ maxModelLen: 512, maxNumSeqs: 4, numGpuBlocksOverride: 20 })).message).toBe(
      'Number of pages available on Spyre 20 is not enough to serve the current model (need at least 33 pages).',
    );
  });

  it('when the volumetric limit is low, should need fewer pages', () => {
    expect(resolve({ maxModelLen: 512, maxNumSeqs: 4, numGpuBlocksOverride: 20 }, { VLLM_DT_MAX_BATCH_TKV_LIMIT: '1024' }).numBlocks).toBe(20);
  });

  it('when serving a pooling model, should take the shape limits from the warmup lists and warn about ignored flags', () => {
    const logger = recordingLogger();
    const config = resolve({ task: 'embed', maxModelLen: 4096, maxNumSeqs: 9 }, { VLLM_SPYRE_WARMUP_PROMPT_LENS: '128,64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4,8' }, logger);
    expect(config.maxModelLen).toBe(128);
    expect(config.maxNumSeqs).toBe(8);
    expect(config.warmupShapes).toEqual([{ promptLength: 128, batchSize: 4 }, { promptLength: 64, batchSize: 8 }]);
    expect(logger.lines.filter((line) => line.includes('ignored for pooling'))).toHaveLength(2);
  });

  it('when the warmup lists are wrong, should fail with the spec texts; prefix caching on pooling is refused', () => {
    expect(errorOf(() => resolve({ task: 'embed' }, { VLLM_SPYRE_WARMUP_PROMPT_LENS: '100' })).message).toBe('All values in VLLM_SPYRE_WARMUP_PROMPT_LENS must be multiples of 64.');
    expect(errorOf(() => resolve({ task: 'embed' }, { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128' })).message).toBe(
      'The lists in VLLM_SPYRE_WARMUP_PROMPT_LENS and VLLM_SPYRE_WARMUP_BATCH_SIZES must have equal length',
    );
    expect(errorOf(() => resolve({ task: 'score', enablePrefixCaching: true })).message).toContain('Prefix caching is not supported for pooling models');
  });

  it('when a numeric flag is not a positive integer, should name the flag', () => {
    expect(errorOf(() => resolve({ maxNumSeqs: 0 })).message).toBe('--max-num-seqs must be a positive integer, but it was set to 0.');
    expect(errorOf(() => resolve({ maxModelLen: 1.5 })).message).toContain('--max-model-len');
    expect(errorOf(() => resolve({ port: 70000 })).message).toContain('--port');
  });

  it('when VLLM_API_KEY and VLLM_SERVER_DEV_MODE are set, should take the key unless --api-key overrides it, and enable dev mode', () => {
    expect(resolve({})).toMatchObject({ apiKey: undefined, serverDevMode: false });
    expect(resolve({}, { VLLM_API_KEY: 'from-env', VLLM_SERVER_DEV_MODE: '1' })).toMatchObject({ apiKey: 'from-env', serverDevMode: true });
    expect(resolve({ apiKey: 'from-flag' }, { VLLM_API_KEY: 'from-env', VLLM_SERVER_DEV_MODE: '0' })).toMatchObject({ apiKey: 'from-flag', serverDevMode: false });
  });

  it('should print the one startup summary line with the spec fields', () => {
    expect(startupSummary(resolve({ maxModelLen: 512, maxNumSeqs: 4, maxNumBatchedTokens: 128 }))).toBe(
      'max_model_len=512 max_num_seqs=4 block_size=64 max_num_batched_tokens=128 enable_prefix_caching=false backend=eager',
    );
  });
});

describe('having a pooling task', () => {
  it('should keep no KV cache and not log the generative KV cache lines', () => {
    const logger = recordingLogger();
    const config = resolveEngineConfig({ model: 'm', task: 'embed' }, {}, logger);
    expect(config.numBlocks).toBe(0);
    expect(logger.lines.some((line) => line.includes('KV cache size'))).toBe(false);
  });
});
