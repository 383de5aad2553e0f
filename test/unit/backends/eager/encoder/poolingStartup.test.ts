import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoolingEngine } from '../../../../../src/app/createPoolingEngine.js';
import type { EngineFlags } from '../../../../../src/core/config/engineFlags.js';
import { EngineError } from '../../../../../src/core/contracts/errors.js';
import { collectingLogger } from '../../../../support/collectingLogger.js';
import { buildTempEncoder, type TempEncoder } from '../../../../support/tinyEncoder.js';

describe('having a pooling engine starting on the tiny-embed model', () => {
  let model: TempEncoder;
  beforeAll(() => {
    model = buildTempEncoder('tiny-embed');
  });
  afterAll(() => model.remove());

  const start = (env: Record<string, string>, flags: Partial<EngineFlags> = {}, deviceMemoryBytes?: number, logger = collectingLogger()) =>
    createPoolingEngine({ flags: { model: model.dir, ...flags }, env, logger, intraOpNumThreads: 1, ...(deviceMemoryBytes !== undefined ? { deviceMemoryBytes } : {}) });

  it('when a warmup prompt length is not a multiple of 64, should fail with the SPEC text', async () => {
    await expect(start({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,100', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1,2' })).rejects.toThrow(
      new EngineError('invalid_config', 'All values in VLLM_SPYRE_WARMUP_PROMPT_LENS must be multiples of 64.'),
    );
  });

  it('when the two warmup lists differ in length, should fail with the SPEC text', async () => {
    await expect(start({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1' })).rejects.toThrow(
      'The lists in VLLM_SPYRE_WARMUP_PROMPT_LENS and VLLM_SPYRE_WARMUP_BATCH_SIZES must have equal length',
    );
  });

  it('when prefix caching is asked for, should refuse it', async () => {
    await expect(start({}, { enablePrefixCaching: true })).rejects.toThrow(
      'Prefix caching is not supported for pooling models (embed, score, classify): remove --enable-prefix-caching.',
    );
  });

  it('when --max-model-len and --max-num-seqs are given, should warn and take both from the warmup shapes', async () => {
    const logger = collectingLogger();
    const created = await start({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4,2' }, { maxModelLen: 512, maxNumSeqs: 16 }, undefined, logger);
    try {
      expect(created.config).toMatchObject({ maxModelLen: 128, maxNumSeqs: 4, warmupShapes: [{ promptLength: 128, batchSize: 2 }, { promptLength: 64, batchSize: 4 }] });
      expect(logger.lines).toContain('WARNING --max-model-len is ignored for pooling models: it is the largest VLLM_SPYRE_WARMUP_PROMPT_LENS value.');
      expect(logger.lines).toContain('WARNING --max-num-seqs is ignored for pooling models: it is the largest VLLM_SPYRE_WARMUP_BATCH_SIZES value.');
    } finally {
      await created.close();
    }
  });

  it('when some warmup shapes do not fit --device-memory-bytes, should fail before warmup listing those shapes', async () => {
    const logger = collectingLogger();
    const env = { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,512,512', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1,1,8' };
    // model.onnx is ~0.54 MB; activations 4·B·S·(8H + 2I + 2·A·S): (64,1) 0.33 MB, (512,1) 9.96 MB, (512,8) 80 MB.
    const failure = await start(env, {}, 4_000_000, logger).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(EngineError);
    const message = (failure as EngineError).message;
    expect(message).toMatch(/^2 of 3 warmup shapes do not fit the device memory of 4000000 bytes \(3\.8 MiB\): /);
    expect(message).toMatch(/\(prompt length 512, batch size 1\) needs \d+ bytes \([\d.]+ MiB: program \d+ \+ activations 9961472\)/);
    expect(message).toMatch(/\(prompt length 512, batch size 8\) needs \d+ bytes/);
    expect(message).not.toContain('(prompt length 64, batch size 1)');
    expect(logger.lines.some((line) => line.includes('Warming up'))).toBe(false);
  });

  it('when every shape fits --device-memory-bytes, should start and warm up every shape', async () => {
    const logger = collectingLogger();
    const created = await start({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,512', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1,1' }, {}, 12_000_000, logger);
    try {
      expect(logger.lines.filter((line) => /^INFO Warmup shape \d\/2 /.test(line))).toHaveLength(2);
    } finally {
      await created.close();
    }
  });

  it('when a warmup prompt length is longer than the model\'s positions, should fail naming both', async () => {
    await expect(start({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,1024', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1,1' })).rejects.toThrow(
      `VLLM_SPYRE_WARMUP_PROMPT_LENS has 1024, longer than the model's max_position_embeddings (512, ${model.dir}/config.json).`,
    );
  });

  it('when --device-memory-bytes is not a positive integer, should refuse it', async () => {
    await expect(start({}, {}, 0)).rejects.toThrow('--device-memory-bytes must be a positive integer, but it was set to 0.');
  });
});
