import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendnnCallError, SendnnLibrary } from '../../../../src/backends/sendnn/ffi/sendnnLibrary.js';
import { resolveSendnnLibraryPath } from '../../../../src/backends/sendnn/nativeLibraryPath.js';
import { loadSendnnModel, type SendnnModel } from '../../../../src/backends/sendnn/sendnnModel.js';
import { openSendnnSession } from '../../../../src/backends/sendnn/sendnnSession.js';
import { loadReferenceModel, referenceGreedy, type ReferenceModel } from '../../../../src/models/reference/index.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { drive, RecordingLogger, sendnnConfig, sendnnRig } from './sendnnRig.js';
import { engineErrorOf } from '../../../support/engineErrors.js';

let tiny: TinyModelDir;
let reference: ReferenceModel;
let model: SendnnModel;
let scratch: string;
let libraryPath: string;
const FLAGS = { maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64 };

beforeAll(() => {
  tiny = buildTinyModel(7);
  reference = loadReferenceModel(tiny.dir);
  model = loadSendnnModel(tiny.dir);
  scratch = mkdtempSync(join(tmpdir(), 'spyre-sendnn-errors-'));
  libraryPath = resolveSendnnLibraryPath(undefined);
});
afterAll(() => {
  tiny.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const thrown = engineErrorOf;

describe('loading the sendnn library', () => {
  describe('when SPYRE_SENDNN_LIBRARY names a missing file', () => {
    it('should name the path tried and how to build or choose a library', () => {
      const missing = join(scratch, 'nope', 'libsendnn.so');
      const error = thrown(() => openSendnnSession(sendnnConfig(tiny.dir, FLAGS, { SPYRE_SENDNN_LIBRARY: missing }), new RecordingLogger(), { deviceMemoryBytes: 1e9 }));
      expect(error.kind).toBe('backend_failed');
      expect(error.message).toContain(`tried ${missing}`);
      expect(error.message).toContain('npm run build:native');
      expect(error.message).toContain('SPYRE_SENDNN_LIBRARY');
    });
  });

  describe('when the file is not a shared library', () => {
    it('should say it could not be loaded, naming it', () => {
      const bogus = join(scratch, 'bogus.so');
      writeFileSync(bogus, 'not an ELF file');
      expect(thrown(() => SendnnLibrary.open(bogus)).message).toMatch(new RegExp(`^sendnn library ${bogus} could not be loaded`));
    });
  });

  describe('when the library implements another ABI version', () => {
    it('should say both versions', () => {
      const source = join(scratch, 'wrong_abi.c');
      const wrong = join(scratch, 'libwrong_abi.so');
      writeFileSync(source, 'unsigned int sendnn_abi_version(void) { return 99; }\n');
      execFileSync('cc', ['-shared', '-fPIC', '-o', wrong, source]);
      expect(thrown(() => SendnnLibrary.open(wrong)).message).toBe(`sendnn library ${wrong} implements ABI version 99, but this engine needs ABI version 6.`);
    });
  });
});

describe('the device rules', () => {
  describe('when the configuration does not fit the device memory at warmup', () => {
    it('should fail before compiling, with what was needed and what the device has', () => {
      const logger = new RecordingLogger();
      const error = thrown(() => openSendnnSession(sendnnConfig(tiny.dir, FLAGS), logger, { deviceMemoryBytes: 1_000_000 }));
      expect(error.message).toMatch(/^device memory exceeded at warmup, on 1 card\(s\) \(--tensor-parallel-size 1\): card 0 needs \d+ bytes .* but has 1000000 free of 1000000 \(its weight shard [\d.]+ MiB; 3 programs' scratch .*prefill chunk 64 .*decode batch 2 .*KV cache of \d+ blocks/);
      expect(logger.lines.some((line) => line.includes('compiled in'))).toBe(false);
    });
  });

  describe('when one allocation exceeds the capacity', () => {
    it('should fail in the library naming the request, the capacity, the library and the call', () => {
      const library = SendnnLibrary.open(libraryPath);
      const device = library.openDevice(1, 100_000);
      try {
        const error = thrown(() => library.allocKv(device, model.desc, 64));
        expect(error).toBeInstanceOf(SendnnCallError);
        expect((error as SendnnCallError).status).toBe('SENDNN_E_DEVICE_MEMORY');
        expect(error.message).toBe(
          `sendnn library ${libraryPath}: sendnn_buffer_alloc_kv failed with SENDNN_E_DEVICE_MEMORY: device memory exceeded: the KV cache of 64 blocks needs ${library.kvBytes(model.desc, 1, 64)} bytes, but only 100000 of the device's 100000 bytes are free (0 in use)`,
        );
        expect(library.deviceMemory(device)).toEqual({ totalBytes: 100_000, usedBytes: 0 });
      } finally {
        library.closeDevice(device);
      }
    });
  });

  describe('when a program runs a shape it was not compiled for, or with a short input array', () => {
    it('should refuse with SENDNN_E_NOT_COMPILED, and refuse the short array before the native call', () => {
      const library = SendnnLibrary.open(libraryPath);
      const device = library.openDevice(1, 1e9);
      const weights = library.allocWeights(device, model.desc);
      library.writeBuffer(weights, 0, model.weights);
      const kv = library.allocKv(device, model.desc, 8);
      const program = library.compileProgram(device, model.desc, weights, { kind: 'decode', batchSize: 1, numSlots: 1, maxContext: 128 });
      try {
        const rows = 2;
        const inputs = {
          numRows: rows, numContextBlocks: 1, tokenIds: new Int32Array(rows), positions: new Int32Array(rows), slotMask: new Uint8Array(rows),
          blockTables: new Int32Array(rows), slotBlocks: new Int32Array(rows), rowInfo: new Int32Array(rows * 3), logits: new Float32Array(rows * model.desc.vocabSize),
        };
        const error = thrown(() => library.runProgram(program, kv, inputs));
        expect((error as SendnnCallError).status).toBe('SENDNN_E_NOT_COMPILED');
        expect(error.message).toContain('no compiled program for 2 rows over 64 context positions: this program was compiled for batch 1, 1 slots, max context 128');
        const short = { ...inputs, numRows: 1, logits: new Float32Array(model.desc.vocabSize - 1) };
        expect(thrown(() => library.runProgram(program, kv, short)).message).toBe(
          `sendnn library ${libraryPath}: sendnn_program_run: logits_out holds ${model.desc.vocabSize - 1} values, the program reads ${model.desc.vocabSize}`,
        );
      } finally {
        library.freeProgram(program);
        library.freeBuffer(kv);
        library.freeBuffer(weights);
        library.closeDevice(device);
      }
    });
  });
});

describe('a native error mid-run', () => {
  it('should fail the requests of that step and keep serving the others and later ones', async () => {
    process.env.SENDNN_EMU_FAIL_RUN = '3';
    let rig;
    try {
      rig = sendnnRig(tiny.dir, FLAGS);
    } finally {
      delete process.env.SENDNN_EMU_FAIL_RUN;
    }
    try {
      const vocab = reference.shape.vocabSize;
      const cases = [
        { id: 'a', prompt: randomIds(1, 40, 3, vocab), maxTokens: 5 },
        { id: 'b', prompt: randomIds(2, 50, 3, vocab), maxTokens: 5 },
      ];
      const first = await drive(rig, cases);
      expect(first.errors.size).toBeGreaterThan(0);
      for (const message of first.errors.values()) expect(message).toMatch(/^sendnn backend: sendnn library .*: sendnn_program_run failed with SENDNN_E_DEVICE_FAULT: device fault injected at run 3/);
      for (const c of cases) if (!first.errors.has(c.id)) expect(first.outputs.get(c.id)).toEqual(referenceGreedy(reference, c.prompt, c.maxTokens));
      const later = { id: 'c', prompt: randomIds(3, 70, 3, vocab), maxTokens: 5 };
      const second = await drive(rig, [later]);
      expect(second.errors.size).toBe(0);
      expect(second.outputs.get('c')).toEqual(referenceGreedy(reference, later.prompt, later.maxTokens));
    } finally {
      rig.session.close();
    }
  });
});
