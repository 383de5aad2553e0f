import { createLlmEngine, type CreatedLlmEngine } from '../../app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../core/contracts/logger.js';
import type { ScenarioConfig } from '../../../sim/scenario/scenarioSchema.js';

/**
 * The real engine a scenario's `config` describes, on the eager backend: what `spyre sim validate` measures
 * and `spyre sim calibrate --workload` fits, built the same way for both.
 */
export function createScenarioEagerEngine(config: ScenarioConfig, modelDir: string, threads?: string): Promise<CreatedLlmEngine> {
  return createLlmEngine({
    flags: {
      model: modelDir,
      ...(config.max_model_len !== undefined ? { maxModelLen: config.max_model_len } : {}),
      ...(config.max_num_seqs !== undefined ? { maxNumSeqs: config.max_num_seqs } : {}),
      ...(config.max_num_batched_tokens !== undefined ? { maxNumBatchedTokens: config.max_num_batched_tokens } : {}),
      ...(config.enable_prefix_caching !== undefined ? { enablePrefixCaching: config.enable_prefix_caching } : {}),
      ...(config.num_blocks !== undefined ? { numBlocks: config.num_blocks } : {}),
    },
    env: { ...config.env, VLLM_SPYRE_DYNAMO_BACKEND: 'eager' },
    logger: SILENT_LOGGER,
    ...(threads !== undefined ? { intraOpNumThreads: Number(threads) } : {}),
  });
}
