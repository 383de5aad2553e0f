import type { EngineConfig } from '../../src/core/contracts/config.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import { kvBytesPerBlock, weightShardBytes } from '../../src/device/cardBytes.js';
import { cardMemoryAdvice, fitCardMemory } from '../../src/device/cardMemoryPlan.js';
import { SPYRE_CARD_MEMORY_BYTES } from '../../src/device/deviceProfile.js';
import type { CostModelSpec } from './costModelSpec.js';
import { resolveCostModel } from './resolveCostModel.js';
import { RooflineCostModel } from './rooflineCostModel.js';
import type { StepCostModel } from './stepShape.js';

/** The cost model of a scenario's engine, and the engine config it runs with (the KV block count the cards leave). */
export interface ScenarioCost {
  readonly costModel: StepCostModel;
  readonly config: EngineConfig;
}

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;

/**
 * Resolves the cost model and, for a roofline (a device with finite cards), applies the engine's per-card
 * memory rule (src/device/cardMemoryPlan.ts) to a card's fp16 sizes: each card holds its weight shard and its
 * share of the KV blocks; without an override the KV cache gets what is left, up to the configuration's
 * count. A tensor parallel size whose cards cannot hold the fewest blocks that serve one batch is refused
 * with the figures. Programs' scratch is not counted (a real card's is not public).
 */
export function resolveScenarioCost(spec: CostModelSpec, baseDir: string, config: EngineConfig): ScenarioCost {
  const costModel = resolveCostModel(spec, baseDir, config);
  if (!(costModel instanceof RooflineCostModel)) return { costModel, config };
  const { decoder, cards, device } = costModel;
  const capacity = device.memoryBytesPerCard ?? SPYRE_CARD_MEMORY_BYTES;
  const shardBytes = weightShardBytes(decoder, cards);
  const fit = fitCardMemory(
    { shardBytes, programs: [], kvBytesPerBlock: kvBytesPerBlock(decoder, cards, config.blockSize), stagingBytes: 0, freeBytes: capacity },
    { numBlocks: config.numBlocks, numBlocksFixed: config.numBlocksFixed === true, minimumBlocks: config.minNumBlocks ?? config.numBlocks, maxNumSeqs: config.maxNumSeqs },
  );
  if (!fit.fits) {
    const source = device.memoryBytesPerCard !== undefined ? `memoryBytesPerCard of the device profile '${device.name}'` : `a Spyre card's 128 GiB; memoryBytesPerCard of the device profile`;
    throw new EngineError(
      'invalid_scenario',
      `tensor_parallel_size ${cards} does not fit: each card needs ${gb(fit.neededBytes)} but has ${gb(capacity)} ` +
        `(its weight shard ${gb(shardBytes)} of ${costModel.modelName} in fp16; KV cache of ${fit.numBlocks} blocks (${fit.kvWhy}) ${gb(fit.kvBytes)}). ` +
        cardMemoryAdvice(config.numBlocksFixed === true, source),
    );
  }
  return { costModel, config: fit.numBlocks === config.numBlocks ? config : { ...config, numBlocks: fit.numBlocks } };
}
