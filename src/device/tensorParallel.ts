import type { DecoderDimensions } from './decoderDimensions.js';

/** The card counts `--tensor-parallel-size` accepts (vLLM-Spyre's). */
export const TENSOR_PARALLEL_SIZES: readonly number[] = [1, 2, 4, 8];

/**
 * Megatron-style tensor parallelism splits the attention heads and the KV heads across the cards, so both
 * must divide by the card count. Returns why `cards` cannot serve the model (the sentence names the numbers
 * and what to use instead), or undefined when it can.
 */
export function tensorParallelRefusal(d: Pick<DecoderDimensions, 'numHeads' | 'numKvHeads'>, cards: number, who: string): string | undefined {
  if (!TENSOR_PARALLEL_SIZES.includes(cards)) return `--tensor-parallel-size ${cards} is not supported by ${who}: use one of ${TENSOR_PARALLEL_SIZES.join(', ')}.`;
  if (d.numHeads % cards === 0 && d.numKvHeads % cards === 0) return undefined;
  return `the model cannot be split across ${cards} cards: it has ${d.numHeads} attention heads and ${d.numKvHeads} KV heads, and both must divide by --tensor-parallel-size ${cards}; use a tensor parallel size that divides ${d.numKvHeads}.`;
}
