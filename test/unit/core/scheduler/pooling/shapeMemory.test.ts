import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../../src/core/contracts/errors.js';
import { checkWarmupMemory, estimateEncoderShapeMemory } from '../../../../../src/core/scheduler/pooling/index.js';

const facts = { weightBytes: 1_000_000, hiddenSize: 64, intermediateSize: 128, numAttentionHeads: 4, bytesPerValue: 4 };

describe('having the warmup memory estimate of an encoder', () => {
  it('should count the weights as the program and bytes·B·S·(8H + 2I + 2·A·S) as activations', () => {
    expect(estimateEncoderShapeMemory(facts, { promptLength: 64, batchSize: 2 })).toEqual({
      shape: { promptLength: 64, batchSize: 2 },
      programBytes: 1_000_000,
      activationBytes: 4 * 2 * 64 * (8 * 64 + 2 * 128 + 2 * 4 * 64),
    });
  });

  it('should grow quadratically with the prompt length (attention scores) and linearly with the batch', () => {
    const small = estimateEncoderShapeMemory(facts, { promptLength: 512, batchSize: 1 }).activationBytes;
    expect(estimateEncoderShapeMemory(facts, { promptLength: 512, batchSize: 4 }).activationBytes).toBe(4 * small);
    expect(estimateEncoderShapeMemory(facts, { promptLength: 1024, batchSize: 1 }).activationBytes).toBeGreaterThan(2 * small);
  });

  it('when every shape fits the budget, should pass', () => {
    const estimates = [estimateEncoderShapeMemory(facts, { promptLength: 64, batchSize: 1 })];
    expect(() => checkWarmupMemory(estimates, 2_000_000)).not.toThrow();
  });

  it('when some shapes do not fit, should fail listing exactly those with their estimates', () => {
    const estimates = [
      estimateEncoderShapeMemory(facts, { promptLength: 64, batchSize: 1 }), // 1,327,680 bytes
      estimateEncoderShapeMemory(facts, { promptLength: 256, batchSize: 4 }), // 1,000,000 + 4·4·256·(512 + 256 + 2048) bytes
      estimateEncoderShapeMemory(facts, { promptLength: 512, batchSize: 8 }),
    ];
    let error: unknown;
    try {
      checkWarmupMemory(estimates, 2_000_000);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EngineError);
    const message = (error as EngineError).message;
    expect((error as EngineError).kind).toBe('invalid_config');
    expect(message).toContain('2 of 3 warmup shapes do not fit the device memory of 2000000 bytes (1.9 MiB)');
    expect(message).toContain('(prompt length 256, batch size 4) needs 12534336 bytes (12.0 MiB: program 1000000 + activations 11534336)');
    expect(message).toContain('(prompt length 512, batch size 8)');
    expect(message).not.toContain('(prompt length 64, batch size 1)');
  });
});
