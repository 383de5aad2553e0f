import { describe, expect, it } from 'vitest';
import { catalogInvalidJson, COMPILATION_DISABLED, compilationDisabled, noMatchWarning } from '../../../../src/core/catalog/catalogTexts.js';
import {
  catalogEntryFor, matchCatalog, matchedEntryWarnings, parseCatalog, upsertEntry, type CatalogConfiguration, type CatalogEntry,
} from '../../../../src/core/catalog/precompiledCatalog.js';
import { EngineError } from '../../../../src/core/contracts/errors.js';

const config: CatalogConfiguration = {
  modelName: 'models/tiny', tensorParallelSize: 1, maxModelLen: 512, maxNumSeqs: 4, chunkSize: 128,
  packageVersion: '0.1.0', libraryName: 'sendnn-emulator', libraryVersion: '0.1.0',
};

const entry = (data: Record<string, unknown>, extra: Partial<CatalogEntry> = {}): CatalogEntry => ({
  vllm_spyre_version: '0.1.0',
  data: { MODEL_NAME: 'models/tiny', NUM_AIUS: 1, VLLM_DT_MAX_CONTEXT_LEN: 512, VLLM_DT_MAX_BATCH_SIZE: 4, ...data },
  spyre_engine: { chunk_size: 128, library_name: 'sendnn-emulator', library_version: '0.1.0' },
  ...extra,
});

describe('parseCatalog', () => {
  describe('when the text is not JSON', () => {
    it('should fail with the exact SPEC text naming the path', () => {
      expect(() => parseCatalog('[{', '/c/pre_compiled_cache_catalog.json')).toThrow(new EngineError('invalid_config', 'Precompiled catalog /c/pre_compiled_cache_catalog.json is not a valid JSON file'));
      expect(catalogInvalidJson('/x')).toBe('Precompiled catalog /x is not a valid JSON file');
    });
  });
  describe('when the text is {}', () => {
    it('should be an empty catalog', () => expect(parseCatalog('{}', 'p')).toEqual([]));
  });
  describe('when the JSON is an object with keys, or a list of non-entries', () => {
    it('should fail naming the path', () => {
      expect(() => parseCatalog('{"a": 1}', '/p.json')).toThrow(/\/p.json must be a JSON list/);
      expect(() => parseCatalog('[1]', '/p.json')).toThrow(/entry 0 has no "data" object/);
    });
  });
  describe('when the JSON is a list of entries', () => {
    it('should return them in order', () => {
      const entries = [entry({}), entry({ NUM_AIUS: 4 })];
      expect(parseCatalog(JSON.stringify(entries), 'p')).toEqual(entries);
    });
  });
});

describe('matchCatalog', () => {
  it('should compare NUM_AIUS, context length and batch size, and let the first match win', () => {
    const entries = [entry({ NUM_AIUS: 4 }), entry({ VLLM_DT_MAX_CONTEXT_LEN: 1024 }), entry({ VLLM_DT_MAX_BATCH_SIZE: 2 }), entry({ MODEL_NAME: 'other' }), entry({})];
    expect(matchCatalog(entries, config)).toBe(3);
    expect(matchCatalog(entries.slice(0, 3), config)).toBe(-1);
  });
  describe('having a pooling entry', () => {
    it('should compare the warmup shapes, in any order, instead of context length and batch size', () => {
      const pooling = { ...config, warmupPromptLens: [64, 128], warmupBatchSizes: [4, 2] };
      const poolingEntry = entry({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4,2', VLLM_DT_MAX_CONTEXT_LEN: 1 });
      expect(matchCatalog([poolingEntry], pooling)).toBe(0);
      expect(matchCatalog([entry({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4' })], pooling)).toBe(-1);
      expect(matchCatalog([poolingEntry], config)).toBe(-1);
      expect(matchCatalog([entry({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '128, 64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '2,4' })], pooling)).toBe(0);
      expect(matchCatalog([entry({ VLLM_SPYRE_WARMUP_PROMPT_LENS: '128,64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4,2' })], pooling)).toBe(-1);
    });
  });
});

describe('matchedEntryWarnings', () => {
  describe('when everything recorded equals the running configuration', () => {
    it('should warn about nothing', () => expect(matchedEntryWarnings(entry({}), config)).toEqual([]));
  });
  describe('when the version is missing or different, and the model name differs', () => {
    it('should give one [PRECOMPILED_WARN] line for each', () => {
      const { vllm_spyre_version: _v, ...withoutVersion } = entry({ MODEL_NAME: 'granite' });
      expect(matchedEntryWarnings(withoutVersion, config)).toEqual([
        '[PRECOMPILED_WARN] Pre-compiled config missing vllm_spyre_version field.',
        '[PRECOMPILED_WARN] Configured model name is models/tiny but the pre-compiled model config has name granite. Please ensure this is the correct model',
      ]);
      expect(matchedEntryWarnings(entry({}, { vllm_spyre_version: '0.0.9' }), config)).toEqual([
        '[PRECOMPILED_WARN] Model was compiled on vllm-spyre 0.0.9 but the current vllm-spyre version is 0.1.0',
      ]);
    });
  });
  describe('when the library or the chunk size differ', () => {
    it('should warn about them too', () => {
      const warnings = matchedEntryWarnings(entry({}, { spyre_engine: { chunk_size: 256, library_name: 'vendor', library_version: '2.0' } }), config);
      expect(warnings).toEqual([
        '[PRECOMPILED_WARN] Model was compiled with sendnn library vendor 2.0 but the loaded library is sendnn-emulator 0.1.0',
        '[PRECOMPILED_WARN] Model was compiled with max_num_batched_tokens 256 but the current value is 128',
      ]);
      expect(matchedEntryWarnings(entry({}, { spyre_engine: {} }), config)[0]).toMatch(/^\[PRECOMPILED_WARN\] Pre-compiled config does not record the sendnn library/);
    });
  });
});

describe('catalog texts', () => {
  it('should start the no-match warning and the compilation error with the SPEC texts', () => {
    expect(noMatchWarning('/c/cat.json', 'cfg')).toMatch(/^\[PRECOMPILED_WARN\] Provided vllm configuration doesn't match any of the pre-compiled model configurations\. Catalog: .*\/c\/cat\.json.*cfg/s);
    expect(compilationDisabled('decode batch 1', '/c/a.sendnn', 'no artifact').startsWith(COMPILATION_DISABLED)).toBe(true);
    expect(COMPILATION_DISABLED).toBe('RuntimeError: Compilation disabled');
  });
});

describe('catalogEntryFor and upsertEntry', () => {
  it('should record the configuration in the vLLM-Spyre format and replace the entry of the same configuration', () => {
    const recorded = catalogEntryFor(config, { programs: [] });
    expect(recorded.data).toEqual({ MODEL_NAME: 'models/tiny', NUM_AIUS: 1, VLLM_DT_MAX_CONTEXT_LEN: 512, VLLM_DT_MAX_BATCH_SIZE: 4 });
    expect(recorded.vllm_spyre_version).toBe('0.1.0');
    expect(recorded.spyre_engine?.chunk_size).toBe(128);
    const other = entry({ NUM_AIUS: 2 });
    const updated = upsertEntry([other, entry({}, { vllm_spyre_version: 'old' })], recorded, config);
    expect(updated).toEqual([other, recorded]);
    expect(upsertEntry([other], recorded, config)).toEqual([other, recorded]);
  });
});
