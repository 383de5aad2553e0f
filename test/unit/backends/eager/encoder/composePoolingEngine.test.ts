import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composePoolingEngine, type LoadedPoolingBackend } from '../../../../../src/app/createPoolingEngine.js';
import type { WarmupShape } from '../../../../../src/core/contracts/config.js';
import { PoolingExecutor, type PoolingBatch, type PoolingModelDescription } from '../../../../../src/core/contracts/pooling.js';
import { estimateEncoderShapeMemory } from '../../../../../src/core/scheduler/pooling/index.js';
import { readModelDir } from '../../../../../src/models/dir/index.js';
import { collectingLogger } from '../../../../support/collectingLogger.js';
import { buildTempEncoder, type TempEncoder } from '../../../../support/tinyEncoder.js';

/** A device that reports its capacity and answers each row with [first token id, row length]. */
class FakeDevice implements PoolingExecutor {
  readonly batches: PoolingBatch[] = [];
  readonly warmedUp: WarmupShape[] = [];
  constructor(
    readonly description: PoolingModelDescription,
    readonly deviceMemoryBytes: number | undefined,
  ) {}
  estimateMemory(shape: WarmupShape) {
    return estimateEncoderShapeMemory({ weightBytes: 1000, hiddenSize: 64, intermediateSize: 128, numAttentionHeads: 4, bytesPerValue: 4 }, shape);
  }
  async warmup(shapes: readonly WarmupShape[]): Promise<void> {
    this.warmedUp.push(...shapes);
  }
  async execute(batch: PoolingBatch) {
    this.batches.push(batch);
    return { outputs: batch.rows.map((row, index) => Float32Array.from([Number(batch.inputIds[index * batch.shape.promptLength + row.paddingLength]), row.promptLength])) };
  }
  async close(): Promise<void> {}
}

describe('having composePoolingEngine over a backend other than eager', () => {
  let model: TempEncoder;
  beforeAll(() => {
    model = buildTempEncoder('tiny-embed');
  });
  afterAll(() => model.remove());

  function backendOf(device: FakeDevice, released: string[]): LoadedPoolingBackend {
    return {
      info: readModelDir(model.dir),
      description: device.description,
      servesBackends: ['sendnn'],
      register: (container) => container.bind(PoolingExecutor).toConstantValue(device),
      release: async () => void released.push('released'),
    };
  }
  const description = (): PoolingModelDescription => ({
    modelDir: model.dir, outputKind: 'embedding', outputWidth: 2, normalize: false, labels: [], scoreActivation: 'sigmoid', usesTokenTypeIds: true, padTokenId: 0, vocabSize: 512,
  });

  it('should check the warmup shapes against the capacity the backend reports, and release it on failure', async () => {
    const device = new FakeDevice(description(), 400_000);
    const released: string[] = [];
    const env = { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1,1' };
    await expect(composePoolingEngine(backendOf(device, released), { flags: { model: model.dir }, env, logger: collectingLogger() })).rejects.toThrow(
      /^1 of 2 warmup shapes do not fit the device memory of 400000 bytes .*\(prompt length 128, batch size 1\)/,
    );
    expect(device.warmedUp).toEqual([]);
    expect(released).toEqual(['released']);
  });

  it('should drive the backend with the core\'s batches when it serves the configured backend, and refuse one it does not serve', async () => {
    const device = new FakeDevice(description(), undefined);
    const composed = await composePoolingEngine(backendOf(device, []), {
      flags: { model: model.dir },
      env: { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '2' },
      logger: collectingLogger(),
    });
    try {
      expect(device.warmedUp).toEqual([{ promptLength: 64, batchSize: 2 }]);
      const results = await composed.engine.embed([[7, 8, 9], [11]]);
      expect(results.map((result) => Array.from(result.embedding))).toEqual([[7, 3], [11, 1]]);
      expect(device.batches).toHaveLength(1);
    } finally {
      await composed.close();
    }
    const released: string[] = [];
    await expect(composePoolingEngine(backendOf(new FakeDevice(description(), undefined), released), { flags: { model: model.dir }, env: {}, logger: collectingLogger() })).rejects.toThrow(
      'VLLM_SPYRE_DYNAMO_BACKEND=eager is not served by this pooling backend (it serves sendnn).',
    );
    expect(released).toEqual(['released']);
  });
});
