import type { EmbeddingPooling } from '../../../models/dir/poolingConfig.js';
import type { RowSpan } from './encoderFeeds.js';

/**
 * One row's sentence vector from last_hidden_state [B, S, H] (row-major): the mean over the row's real
 * tokens, its first real token ([CLS]) or its last. Sums in float64; padding is never read.
 */
export function poolRow(hidden: Float32Array, row: number, span: RowSpan, sequenceLength: number, hiddenSize: number, mode: EmbeddingPooling): Float32Array {
  const base = (row * sequenceLength + span.start) * hiddenSize;
  if (mode !== 'mean') {
    const token = mode === 'cls' ? 0 : span.length - 1;
    return hidden.slice(base + token * hiddenSize, base + (token + 1) * hiddenSize);
  }
  const sums = new Float64Array(hiddenSize);
  for (let t = 0; t < span.length; t++) {
    const offset = base + t * hiddenSize;
    for (let i = 0; i < hiddenSize; i++) sums[i] = (sums[i] as number) + (hidden[offset + i] as number);
  }
  return Float32Array.from(sums, (sum) => sum / span.length);
}
