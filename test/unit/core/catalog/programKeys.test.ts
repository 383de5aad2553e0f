import { describe, expect, it } from 'vitest';
import { programCacheKey, type ProgramIdentity } from '../../../../src/core/catalog/cacheKey.js';
import { decodeBatchSizes, decoderProgramShapes } from '../../../../src/core/catalog/requiredPrograms.js';

describe('decoderProgramShapes', () => {
  it('should need one prefill program per chunk size and decode programs for 1, 2, 4 … up to max_num_seqs', () => {
    expect(decodeBatchSizes(1)).toEqual([1]);
    expect(decodeBatchSizes(6)).toEqual([1, 2, 4, 6]);
    expect(decodeBatchSizes(8)).toEqual([1, 2, 4, 8]);
    expect(decoderProgramShapes({ maxModelLen: 500, maxNumSeqs: 2, chunkSize: 128 })).toEqual([
      { kind: 'prefill', batchSize: 1, numSlots: 128, maxContext: 512 + 128 },
      { kind: 'decode', batchSize: 1, numSlots: 1, maxContext: 512 },
      { kind: 'decode', batchSize: 2, numSlots: 1, maxContext: 512 },
    ]);
  });
});

describe('programCacheKey', () => {
  const identity: ProgramIdentity = {
    modelFingerprint: 'abc', shape: { kind: 'decode', batchSize: 2, numSlots: 1, maxContext: 512 }, dtype: 'fp32',
    libraryName: 'sendnn-emulator', libraryVersion: '0.1.0', abiVersion: 1,
  };
  it('should be stable and readable', () => {
    const key = programCacheKey(identity);
    expect(programCacheKey({ ...identity })).toEqual(key);
    expect(key.fileName).toMatch(/^decode-b2-s1-c512-[0-9a-f]{24}\.sendnn$/);
  });
  it('should change with the model, every shape field and the library version', () => {
    const variants: ProgramIdentity[] = [
      { ...identity, modelFingerprint: 'abd' },
      { ...identity, shape: { ...identity.shape, batchSize: 4 } },
      { ...identity, shape: { ...identity.shape, maxContext: 1024 } },
      { ...identity, shape: { ...identity.shape, kind: 'prefill' } },
      { ...identity, libraryVersion: '0.2.0' },
      { ...identity, libraryName: 'vendor' },
      { ...identity, abiVersion: 2 },
    ];
    const keys = new Set([identity, ...variants].map((v) => programCacheKey(v).key));
    const files = new Set([identity, ...variants].map((v) => programCacheKey(v).fileName));
    expect(keys.size).toBe(variants.length + 1);
    expect(files.size).toBe(variants.length + 1);
  });
});
