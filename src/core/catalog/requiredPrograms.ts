import { BLOCK_SIZE } from '../contracts/ids.js';
import type { ProgramShape } from './programShape.js';

/** What of a configuration decides which decoder programs it needs. */
export interface DecoderProgramConfig {
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  /** `max_num_batched_tokens`: the prefill chunk size. */
  readonly chunkSize: number;
}

const roundUpToBlock = (tokens: number): number => Math.ceil(tokens / BLOCK_SIZE) * BLOCK_SIZE;

/** Decode batch sizes compiled for `maxNumSeqs`: powers of two below it, then itself (1, 2, 4, …, max). */
export function decodeBatchSizes(maxNumSeqs: number): number[] {
  const sizes: number[] = [];
  for (let size = 1; size < maxNumSeqs; size *= 2) sizes.push(size);
  sizes.push(maxNumSeqs);
  return sizes;
}

/**
 * Every program a decoder configuration runs: one prefill program for its chunk size, and one decode program
 * per batch size of {@link decodeBatchSizes}. A chunk attends to at most the padded prompt plus its left
 * padding (< one chunk), so the prefill program's context is `max_model_len` rounded to a block plus a chunk;
 * a decode batch is padded to at most `max_model_len` rounded to a block.
 */
export function decoderProgramShapes(config: DecoderProgramConfig): ProgramShape[] {
  const maxContext = roundUpToBlock(config.maxModelLen);
  return [
    { kind: 'prefill', batchSize: 1, numSlots: config.chunkSize, maxContext: maxContext + config.chunkSize },
    ...decodeBatchSizes(config.maxNumSeqs).map((batchSize): ProgramShape => ({ kind: 'decode', batchSize, numSlots: 1, maxContext })),
  ];
}
