import { EngineError } from '../contracts/errors.js';
import type { Logger } from '../contracts/logger.js';

export interface KvBlockCountInput {
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly blockSize: number;
  readonly maxBatchTkvLimit: number;
  /** `--num-gpu-blocks-override`. */
  readonly numBlocksOverride: number | undefined;
}

/** The fewest KV blocks (null block included) that hold one batch's worth of context: below it startup fails. */
export function minimumKvBlocks(input: Pick<KvBlockCountInput, 'maxModelLen' | 'maxNumSeqs' | 'blockSize' | 'maxBatchTkvLimit'>): number {
  const fullBlocks = input.maxNumSeqs * Math.floor(input.maxModelLen / input.blockSize);
  return Math.min(fullBlocks, Math.floor(input.maxBatchTkvLimit / input.blockSize)) + 1;
}

/**
 * The number of KV blocks including the null block (SPEC §1.3): enough for every sequence at full length,
 * rounded up to a multiple of `max_num_seqs`; an override is rounded down to one. Fails when the result
 * cannot hold one batch's worth of context.
 */
export function computeNumKvBlocks(input: KvBlockCountInput, logger: Logger): number {
  const { maxModelLen, maxNumSeqs, blockSize, numBlocksOverride } = input;
  const fullBlocks = maxNumSeqs * Math.floor(maxModelLen / blockSize);
  let numBlocks: number;
  if (numBlocksOverride === undefined) {
    numBlocks = Math.ceil((fullBlocks + 1) / maxNumSeqs) * maxNumSeqs;
  } else {
    numBlocks = Math.floor(numBlocksOverride / maxNumSeqs) * maxNumSeqs;
    if (numBlocks !== numBlocksOverride) {
      logger.info(`--num-gpu-blocks-override=${numBlocksOverride} rounded down to ${numBlocks}, a multiple of max_num_seqs (${maxNumSeqs}).`);
    }
  }
  const minimum = minimumKvBlocks(input);
  if (numBlocks < minimum) {
    throw new EngineError(
      'invalid_config',
      `Number of pages available on Spyre ${numBlocks} is not enough to serve the current model (need at least ${minimum} pages).`,
    );
  }
  const kvTokens = numBlocks * blockSize;
  logger.info(`KV cache size: ${kvTokens} tokens (${numBlocks} blocks of ${blockSize}).`);
  logger.info(`Maximum concurrency for ${maxModelLen} tokens per request: ${(kvTokens / maxModelLen).toFixed(2)}x`);
  return numBlocks;
}
