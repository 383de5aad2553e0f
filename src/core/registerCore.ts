import type { Container } from 'inversify';
import { EngineConfig } from './contracts/config.js';
import { TokenSampling } from './contracts/sampling.js';
import { EngineCore } from './engine/engineCore.js';
import { RequestSampler } from './engine/sampling/requestSampler.js';
import { SamplingStateStore } from './engine/sampling/samplingStateStore.js';
import { BlockPool } from './kv/blockPool.js';
import { KvCacheManager } from './kv/kvCacheManager.js';
import { SpyreScheduler } from './scheduler/spyreScheduler.js';

/**
 * Binds the engine core: block pool → KV cache manager → scheduler → engine core, one per container, and
 * the TokenSampling backends sample through (its states in the SamplingStateStore the engine releases).
 * The composition root binds `EngineConfig`, `Clock` (and, for async drivers, `StepExecutor`) beforehand.
 */
export function registerCore(container: Container): void {
  container
    .bind(BlockPool)
    .toDynamicValue((context) => new BlockPool(context.get(EngineConfig).numBlocks))
    .inSingletonScope();
  container
    .bind(KvCacheManager)
    .toDynamicValue((context) => {
      const config = context.get(EngineConfig);
      return new KvCacheManager(context.get(BlockPool), config.blockSize, config.enablePrefixCaching, config.prefixHashSeed);
    })
    .inSingletonScope();
  container
    .bind(SpyreScheduler)
    .toDynamicValue((context) => {
      const config = context.get(EngineConfig);
      return new SpyreScheduler(context.get(KvCacheManager), {
        maxModelLen: config.maxModelLen,
        maxNumSeqs: config.maxNumSeqs,
        chunkSize: config.maxNumBatchedTokens,
        blockSize: config.blockSize,
        interleaveSteps: config.interleaveSteps,
        maxBatchTkvLimit: config.maxBatchTkvLimit,
      });
    })
    .inSingletonScope();
  container.bind(EngineCore).toSelf().inSingletonScope();
  container.bind(SamplingStateStore).toSelf().inSingletonScope();
  container.bind(TokenSampling).to(RequestSampler).inSingletonScope();
}
