import type { WarmupShape } from '../contracts/config.js';
import { BLOCK_SIZE } from '../contracts/ids.js';
import { EngineError } from '../contracts/errors.js';

/** Pairs the warmup lists into shapes sorted by (batch size, prompt length) (SPEC §5). */
export function warmupShapesFrom(promptLens: readonly number[], batchSizes: readonly number[]): WarmupShape[] {
  if (promptLens.some((length) => length % BLOCK_SIZE !== 0)) {
    throw new EngineError('invalid_config', 'All values in VLLM_SPYRE_WARMUP_PROMPT_LENS must be multiples of 64.');
  }
  if (promptLens.length !== batchSizes.length) {
    throw new EngineError('invalid_config', 'The lists in VLLM_SPYRE_WARMUP_PROMPT_LENS and VLLM_SPYRE_WARMUP_BATCH_SIZES must have equal length');
  }
  return promptLens
    .map((promptLength, index) => ({ promptLength, batchSize: batchSizes[index]! }))
    .sort((a, b) => a.batchSize - b.batchSize || a.promptLength - b.promptLength);
}
