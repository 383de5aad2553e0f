import type { EngineConfig } from '../../src/core/contracts/config.js';
import type { Logger } from '../../src/core/contracts/logger.js';
import { resolveEngineConfig } from '../../src/core/config/resolveEngineConfig.js';
import type { ScenarioConfig } from './scenarioSchema.js';

/**
 * A scenario's engine config, resolved by the same code as the CLI's flags. Only the scenario's own `env`
 * map is read, never the process environment, so a scenario replays the same everywhere.
 */
export function scenarioEngineConfig(config: ScenarioConfig, logger: Logger): EngineConfig {
  return resolveEngineConfig(
    {
      model: config.model,
      servedModelName: config.served_model_name,
      maxModelLen: config.max_model_len,
      maxNumSeqs: config.max_num_seqs,
      maxNumBatchedTokens: config.max_num_batched_tokens,
      enablePrefixCaching: config.enable_prefix_caching,
      tensorParallelSize: config.tensor_parallel_size,
      numGpuBlocksOverride: config.num_gpu_blocks_override,
      numBlocks: config.num_blocks,
      seed: config.seed,
      task: config.task,
    },
    config.env,
    logger,
  );
}
