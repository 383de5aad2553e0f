import { describe, expect, it } from 'vitest';
import { applyPrecompiledFlow } from '../../../../src/backends/sendnn/cache/precompiledFlow.js';
import type { CatalogConfiguration } from '../../../../src/core/catalog/precompiledCatalog.js';
import { resolveEngineConfig } from '../../../../src/core/config/resolveEngineConfig.js';
import { SILENT_LOGGER } from '../../../../src/core/contracts/logger.js';
import { RecordingLogger } from './sendnnRig.js';

const catalogConfig: CatalogConfiguration = {
  modelName: 'm', tensorParallelSize: 1, maxModelLen: 64, maxNumSeqs: 1, chunkSize: 64, packageVersion: '0.1.0', libraryName: 'x', libraryVersion: '1',
};

describe('applyPrecompiledFlow', () => {
  describe('having a pooling model and VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS=1 without any cache', () => {
    it('should ignore the variable: compilation stays enabled and nothing is logged', () => {
      const config = resolveEngineConfig({ model: 'm', task: 'embed' }, { VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS: '1' }, SILENT_LOGGER);
      const logger = new RecordingLogger();
      expect(applyPrecompiledFlow(config, catalogConfig, logger)).toEqual({ compilationDisabled: false, matchedEntry: undefined });
      expect(logger.lines).toEqual([]);
    });
  });
  describe('having a decoder and the variable unset', () => {
    it('should leave compilation enabled', () => {
      const config = resolveEngineConfig({ model: 'm', maxModelLen: 64, maxNumSeqs: 1, maxNumBatchedTokens: 64 }, {}, SILENT_LOGGER);
      expect(applyPrecompiledFlow(config, catalogConfig, new RecordingLogger()).compilationDisabled).toBe(false);
    });
  });
  describe('having a decoder, the variable set and TORCH_SENDNN_CACHE_DIR naming a missing directory', () => {
    it('should fail with the SPEC text after disabling compilation', () => {
      const config = resolveEngineConfig(
        { model: 'm', maxModelLen: 64, maxNumSeqs: 1, maxNumBatchedTokens: 64 },
        { VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS: '1', TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: '/nonexistent/spyre-cache' },
        SILENT_LOGGER,
      );
      const logger = new RecordingLogger();
      expect(() => applyPrecompiledFlow(config, catalogConfig, logger)).toThrow(/^VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS=1 requires setting TORCH_SENDNN_CACHE_DIR to a valid path and setting TORCH_SENDNN_CACHE_ENABLE=1$/);
      expect(logger.lines).toEqual(['[PRECOMPILED_WARN] Setting DISABLE_COMPILATION because m is a decoder model']);
    });
  });
});
