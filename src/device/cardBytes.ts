import { decoderParameterCount, type DecoderDimensions } from './decoderDimensions.js';

/**
 * What one card holds of a decoder under Megatron-style tensor parallelism, in fp16 (2 bytes per element),
 * as a real card would: 1/N of the weights (the embedding and lm head split by vocabulary rows like the
 * rest), and of every KV block the K and V of its numKvHeads/N heads over every layer.
 */
export function weightShardBytes(d: DecoderDimensions, cards: number): number {
  return (decoderParameterCount(d) * 2) / cards;
}

export function kvBytesPerBlock(d: DecoderDimensions, cards: number, blockSize: number): number {
  return blockSize * d.numLayers * 2 * (d.numKvHeads / cards) * d.headDim * 2;
}
