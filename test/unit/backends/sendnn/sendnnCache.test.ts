import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogPathOf, pruneCatalog, readCatalogFile, verifyCatalog, writeCatalogFile } from '../../../../src/backends/sendnn/cache/catalogFile.js';
import { runSendnnCompileOnly } from '../../../../src/backends/sendnn/sendnnCompileOnly.js';
import { openSendnnSession } from '../../../../src/backends/sendnn/sendnnSession.js';
import { loadReferenceModel, referenceGreedy, type ReferenceModel } from '../../../../src/models/reference/index.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { drive, RecordingLogger, sendnnConfig, sendnnRig } from './sendnnRig.js';

let tiny: TinyModelDir;
let reference: ReferenceModel;
let cacheDir: string;
const FLAGS = { maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64 };
const OPTIONS = { deviceMemoryBytes: 1024 ** 3 };

beforeAll(() => {
  tiny = buildTinyModel(5);
  reference = loadReferenceModel(tiny.dir);
});
afterAll(() => tiny.remove());
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'spyre-sendnn-cache-'));
  return () => rmSync(cacheDir, { recursive: true, force: true });
});

const cacheEnv = (): Record<string, string> => ({ TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: cacheDir });
const requireEnv = (): Record<string, string> => ({ ...cacheEnv(), VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS: '1' });
const artifacts = (): string[] => readdirSync(cacheDir).filter((file) => file.endsWith('.sendnn')).sort();

function compileOnly(logger = new RecordingLogger()): ReturnType<typeof runSendnnCompileOnly> {
  return runSendnnCompileOnly(sendnnConfig(tiny.dir, FLAGS, { ...cacheEnv(), VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only' }), logger, OPTIONS);
}

function startup(env: Record<string, string>, logger = new RecordingLogger()): { logger: RecordingLogger; close: () => void } {
  const session = openSendnnSession(sendnnConfig(tiny.dir, FLAGS, env), logger, OPTIONS);
  return { logger, close: () => session.close() };
}

describe('the compiled-program cache', () => {
  describe('having a cold cache', () => {
    it('should compile every program, write one artifact each, and load all of them on the next start', async () => {
      const cold = startup(cacheEnv());
      cold.close();
      expect(cold.logger.lines.some((line) => line.includes('0 from the cache, 3 compiled'))).toBe(true);
      expect(cold.logger.lines.some((line) => line.includes(`compilation cache enabled (${cacheDir})`))).toBe(true);
      expect(artifacts()).toHaveLength(3);
      const logger = new RecordingLogger();
      const rig = sendnnRig(tiny.dir, FLAGS, cacheEnv(), logger, OPTIONS);
      try {
        expect(logger.lines.some((line) => line.includes('3 from the cache, 0 compiled'))).toBe(true);
        const prompt = randomIds(4, 90, 3, reference.shape.vocabSize);
        const { outputs } = await drive(rig, [{ id: 'a', prompt, maxTokens: 6 }]);
        expect(outputs.get('a')).toEqual(referenceGreedy(reference, prompt, 6));
      } finally {
        rig.session.close();
      }
    });
  });

  describe('when an artifact is corrupted', () => {
    it('should detect it by checksum and recompile it', () => {
      startup(cacheEnv()).close();
      const victim = join(cacheDir, artifacts()[0] as string);
      const bytes = readFileSync(victim);
      bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0xff;
      writeFileSync(victim, bytes);
      const warm = startup(cacheEnv());
      warm.close();
      expect(warm.logger.lines.some((line) => /unusable, recompiling: .*SENDNN_E_ARTIFACT_CORRUPT.*checksum/.test(line))).toBe(true);
      expect(warm.logger.lines.some((line) => line.includes('2 from the cache, 0 compiled, 1 recompiled'))).toBe(true);
    });
  });

  describe('when the cache is disabled', () => {
    it('should compile and write nothing', () => {
      const run = startup({});
      run.close();
      expect(run.logger.lines.some((line) => line.includes('0 from the cache, 3 compiled') && line.includes('compilation cache disabled'))).toBe(true);
      expect(artifacts()).toEqual([]);
    });
  });
});

describe('VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS=1', () => {
  describe('having no cache enabled', () => {
    it('should fail with the SPEC text', () => {
      expect(() => startup({ VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS: '1' })).toThrow(
        'VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS=1 requires setting TORCH_SENDNN_CACHE_DIR to a valid path and setting TORCH_SENDNN_CACHE_ENABLE=1',
      );
    });
  });

  describe('having no catalog', () => {
    it('should fail naming the catalog path, after the DISABLE_COMPILATION line', () => {
      const logger = new RecordingLogger();
      expect(() => startup(requireEnv(), logger)).toThrow(catalogPathOf(cacheDir));
      expect(logger.lines).toContain(`[PRECOMPILED_WARN] Setting DISABLE_COMPILATION because ${tiny.dir} is a decoder model`);
    });
  });

  describe('having a catalog that is not JSON', () => {
    it('should fail with "is not a valid JSON file"', () => {
      writeFileSync(catalogPathOf(cacheDir), '[{"data": ');
      expect(() => startup(requireEnv())).toThrow(`Precompiled catalog ${catalogPathOf(cacheDir)} is not a valid JSON file`);
    });
  });

  describe('having the programs in the cache and {} as the catalog', () => {
    it('should warn that nothing matches and start from the cache', () => {
      startup(cacheEnv()).close();
      writeFileSync(catalogPathOf(cacheDir), '{}');
      const run = startup(requireEnv());
      run.close();
      const warning = run.logger.lines.find((line) => line.startsWith("[PRECOMPILED_WARN] Provided vllm configuration doesn't match any of the pre-compiled model configurations. Catalog: "));
      expect(warning).toContain(catalogPathOf(cacheDir));
      expect(warning).toContain('max_model_len=256 max_num_seqs=2');
      expect(run.logger.lines.some((line) => line.includes('3 from the cache, 0 compiled'))).toBe(true);
    });
  });

  describe('having a catalog entry of another configuration', () => {
    it('should warn that nothing matches and go on', async () => {
      await compileOnly();
      const entries = readCatalogFile(cacheDir);
      writeCatalogFile(cacheDir, entries.map((entry) => ({ ...entry, data: { ...entry.data, VLLM_DT_MAX_BATCH_SIZE: 8 } })));
      const run = startup(requireEnv());
      run.close();
      expect(run.logger.lines.some((line) => line.startsWith("[PRECOMPILED_WARN] Provided vllm configuration doesn't match"))).toBe(true);
    });
  });

  describe('having a matching entry with another version and model name', () => {
    it('should warn about both and start', async () => {
      await compileOnly();
      const [entry] = readCatalogFile(cacheDir);
      writeCatalogFile(cacheDir, [{ ...entry!, vllm_spyre_version: '0.0.1', data: { ...entry!.data, MODEL_NAME: 'ibm-granite/granite-3.3-8b-instruct' } }]);
      const run = startup(requireEnv());
      run.close();
      const warnings = run.logger.lines.filter((line) => line.startsWith('[PRECOMPILED_WARN]'));
      expect(warnings).toContain(`[PRECOMPILED_WARN] Model was compiled on vllm-spyre 0.0.1 but the current vllm-spyre version is 0.1.0`);
      expect(warnings).toContain(
        `[PRECOMPILED_WARN] Configured model name is ${tiny.dir} but the pre-compiled model config has name ibm-granite/granite-3.3-8b-instruct. Please ensure this is the correct model`,
      );
      expect(warnings.some((line) => line.includes("doesn't match"))).toBe(false);
    });
  });

  describe('having an exact catalog entry made by sendnn_compile_only', () => {
    it('should start from the cache with no warning but the DISABLE_COMPILATION line', async () => {
      const report = await compileOnly();
      expect(report.sources).toEqual(['compiled', 'compiled', 'compiled']);
      expect(report.entry.spyre_engine?.programs).toHaveLength(3);
      const run = startup(requireEnv());
      run.close();
      expect(run.logger.lines.filter((line) => line.startsWith('[PRECOMPILED_WARN]'))).toEqual([
        `[PRECOMPILED_WARN] Setting DISABLE_COMPILATION because ${tiny.dir} is a decoder model`,
      ]);
      expect(run.logger.lines.some((line) => line.includes('3 from the cache, 0 compiled'))).toBe(true);
    });
  });

  describe('when a program the configuration needs is missing from the cache', () => {
    it('should fail with RuntimeError: Compilation disabled naming the program', async () => {
      await compileOnly();
      const decode2 = artifacts().find((file) => file.startsWith('decode-b2-')) as string;
      rmSync(join(cacheDir, decode2));
      expect(() => startup(requireEnv())).toThrow(/^RuntimeError: Compilation disabled: the decode batch 2 \(max tkv 256\) program is not in the cache/);
    });
  });

  describe('when a needed artifact is corrupted', () => {
    it('should fail with Compilation disabled and say it is corrupted', async () => {
      await compileOnly();
      const victim = join(cacheDir, artifacts()[0] as string);
      writeFileSync(victim, readFileSync(victim).subarray(0, 300));
      expect(() => startup(requireEnv())).toThrow(/^RuntimeError: Compilation disabled: .*corrupted/);
    });
  });
});

describe('catalog tools', () => {
  describe('having one good entry and one whose artifact went missing', () => {
    it('should verify the first, report the second, and prune only the second', async () => {
      await compileOnly();
      const [good] = readCatalogFile(cacheDir);
      const broken = { ...good!, data: { ...good!.data, VLLM_DT_MAX_BATCH_SIZE: 3 }, spyre_engine: { ...good!.spyre_engine, programs: [{ name: 'decode batch 3', file: 'gone.sendnn', bytes: 1, sha256: 'x' }] } };
      writeCatalogFile(cacheDir, [good!, broken]);
      writeFileSync(join(cacheDir, 'orphan.sendnn'), 'x');
      const checks = verifyCatalog(cacheDir);
      expect(checks.map((check) => check.problems.length)).toEqual([0, 1]);
      expect(checks[1]?.problems[0]).toContain('gone.sendnn is missing');
      const report = pruneCatalog(cacheDir, true);
      expect(report.removedEntries.map((check) => check.index)).toEqual([1]);
      expect(report.removedArtifacts).toEqual(['orphan.sendnn']);
      expect(readCatalogFile(cacheDir)).toEqual([good]);
      expect(artifacts()).toHaveLength(3);
    });
  });
});
