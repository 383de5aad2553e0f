// The per-card memory check before any program is loaded, and the KV cache sized from what the cards have left.
import 'reflect-metadata';
import { Container } from 'inversify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendnnLibrary } from '../../../../src/backends/sendnn/ffi/sendnnLibrary.js';
import { resolveSendnnLibraryPath } from '../../../../src/backends/sendnn/nativeLibraryPath.js';
import { loadSendnnModel, type SendnnModel } from '../../../../src/backends/sendnn/sendnnModel.js';
import { sendnnOptionsFromEnv } from '../../../../src/backends/sendnn/sendnnOptions.js';
import { openSendnnSession } from '../../../../src/backends/sendnn/sendnnSession.js';
import { startSendnnBackend } from '../../../../src/backends/sendnn/startSendnnBackend.js';
import { decoderProgramShapes } from '../../../../src/core/catalog/requiredPrograms.js';
import { Clock } from '../../../../src/core/contracts/clock.js';
import { EngineConfig } from '../../../../src/core/contracts/config.js';
import { registerCore } from '../../../../src/core/registerCore.js';
import { SPYRE_CARD_PROFILE } from '../../../../src/device/deviceProfile.js';
import { engineErrorOf } from '../../../support/engineErrors.js';
import { buildTinyModel, type TinyModelDir } from '../../../support/tinyModel.js';
import { RecordingLogger, sendnnConfig } from './sendnnRig.js';

let tiny: TinyModelDir;
let model: SendnnModel;
let library: SendnnLibrary;
let scratch: string;
const FLAGS = { maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64 };
/** 132 blocks by SPEC §1.3's count, but a batch needs only 5 (VLLM_DT_MAX_BATCH_TKV_LIMIT 256): room to size the KV cache down. */
const TIGHT = { maxModelLen: 2048, maxNumSeqs: 4, maxNumBatchedTokens: 64 };
const TIGHT_ENV = { VLLM_DT_MAX_BATCH_TKV_LIMIT: '256' };

beforeAll(() => {
  tiny = buildTinyModel(11);
  model = loadSendnnModel(tiny.dir);
  library = SendnnLibrary.open(resolveSendnnLibraryPath(undefined));
  scratch = mkdtempSync(join(tmpdir(), 'spyre-card-memory-'));
});
afterAll(() => {
  tiny.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** What each of `cards` cards holds for FLAGS: every program, and one KV block. */
/** What each of `cards` cards holds for `flags`: its weight shard and every program's scratch, one KV block, and the raw weights staged while compiling. */
function perCard(cards: number, flags: typeof FLAGS): { resident: number; block: number; staging: number } {
  const shapes = decoderProgramShapes({ maxModelLen: flags.maxModelLen, maxNumSeqs: flags.maxNumSeqs, chunkSize: flags.maxNumBatchedTokens });
  return {
    resident: library.packedWeightsBytes(model.desc, cards) + shapes.reduce((sum, shape) => sum + library.programBytes(model.desc, cards, shape), 0),
    block: library.kvBytes(model.desc, cards, 1),
    staging: library.weightsBytes(model.desc, cards),
  };
}

/** SPYRE_DEVICE_TIMING=profile with a profile of `memoryBytesPerCard`-byte cards. */
function smallCardOptions(memoryBytesPerCard: number): ReturnType<typeof sendnnOptionsFromEnv> {
  const file = join(scratch, `cards-${memoryBytesPerCard}.json`);
  writeFileSync(file, JSON.stringify({ ...SPYRE_CARD_PROFILE, name: 'small-cards', memoryBytesPerCard }));
  return sendnnOptionsFromEnv({ SPYRE_DEVICE_TIMING: 'profile', SPYRE_DEVICE_PROFILE: file });
}

describe('the per-card memory check', () => {
  describe('having a profile of cards too small for the programs and the fewest KV blocks', () => {
    it('should refuse before compiling anything, with each card\'s need, what it has and what to change', () => {
      const { resident, block, staging } = perCard(2, FLAGS);
      const capacity = resident + 4 * block; // the fewest blocks that serve one batch: 2 × 4 + 1 = 9
      const logger = new RecordingLogger();
      const config = sendnnConfig(tiny.dir, { ...FLAGS, tensorParallelSize: 2 });
      const error = engineErrorOf(() => openSendnnSession(config, logger, smallCardOptions(capacity)));
      const needed = resident + Math.max(9 * block, staging);
      for (const card of [0, 1]) expect(error.message).toContain(`card ${card} needs ${needed} bytes (${(needed / 1024 ** 2).toFixed(1)} MiB) but has ${capacity} free of ${capacity}`);
      expect(error.message).toMatch(/^device memory exceeded at warmup, on 2 card\(s\) \(--tensor-parallel-size 2\): /);
      expect(error.message).toContain(`its weight shard ${(library.packedWeightsBytes(model.desc, 2) / 1024 ** 2).toFixed(1)} MiB; 3 programs' scratch`);
      expect(error.message).toContain('KV cache of 9 blocks (the fewest that serve one batch)');
      expect(error.message).toContain("raise --tensor-parallel-size to split the weights over more cards, or give each card more memory (memoryBytesPerCard of the device profile 'small-cards').");
      expect(logger.lines.some((line) => line.includes('compiled in') || line.includes('warmup'))).toBe(false);
    });
  });

  describe('having cards with room for the programs and some, not all, of the KV blocks', () => {
    it('should give the KV cache what is left, rounded down to a multiple of max_num_seqs, and the core the same count', () => {
      const flags = { ...TIGHT, tensorParallelSize: 2 };
      const { resident, block } = perCard(2, flags);
      const config = sendnnConfig(tiny.dir, flags, TIGHT_ENV);
      expect(config.numBlocks).toBe(132);
      const logger = new RecordingLogger();
      const container = new Container();
      container.bind(EngineConfig).toConstantValue(config);
      container.bind(Clock).toConstantValue({ nowS: () => 0 });
      registerCore(container);
      const started = startSendnnBackend(container, config, logger, { deviceMemoryBytes: resident + 42 * block + block / 2 });
      try {
        expect(started.session.memory.numBlocks).toBe(40);
        expect(started.session.memory.kvBytesPerCard).toBe(40 * block);
        expect(container.get(EngineConfig).numBlocks).toBe(40);
        expect(logger.lines).toContain('[sendnn] KV cache sized from card memory: 40 blocks (2560 tokens) fit beside the weights and programs on each card, fewer than the 132 the configuration could use.');
      } finally {
        started.close();
      }
    });
  });

  describe('having --num-gpu-blocks-override more than the cards hold', () => {
    it('should refuse naming the override instead of lowering it', () => {
      const flags = { ...TIGHT, tensorParallelSize: 2, numGpuBlocksOverride: 48 };
      const { resident, block } = perCard(2, flags);
      const error = engineErrorOf(() => openSendnnSession(sendnnConfig(tiny.dir, flags, TIGHT_ENV), new RecordingLogger(), { deviceMemoryBytes: resident + 42 * block }));
      expect(error.message).toContain('KV cache of 48 blocks (--num-gpu-blocks-override)');
      expect(error.message).toContain('Lower --max-num-seqs, --max-model-len or --num-gpu-blocks-override, raise --tensor-parallel-size');
    });
  });

  describe('having cards that cannot hold the model on one card but can on two', () => {
    it('should refuse one card and serve on two, each holding half the weights and half the KV heads', () => {
      const one = perCard(1, FLAGS);
      const two = perCard(2, FLAGS);
      expect(two.block * 2).toBe(one.block);
      const capacity = two.resident + Math.max(10 * two.block, two.staging);
      expect(capacity).toBeLessThan(one.resident);
      expect(() => openSendnnSession(sendnnConfig(tiny.dir, FLAGS), new RecordingLogger(), { deviceMemoryBytes: capacity })).toThrow(/card 0 needs/);
      const session = openSendnnSession(sendnnConfig(tiny.dir, { ...FLAGS, tensorParallelSize: 2 }), new RecordingLogger(), { deviceMemoryBytes: capacity });
      try {
        expect(session.memory.numBlocks).toBe(10);
        for (const card of [0, 1]) expect(session.library.deviceMemory(session.device, card)).toEqual({ totalBytes: capacity, usedBytes: two.resident + 10 * two.block });
      } finally {
        session.close();
      }
    });
  });
});
