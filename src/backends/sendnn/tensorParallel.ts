import { EngineError } from '../../core/contracts/errors.js';
import type { SendnnModelDesc } from './sendnnTypes.js';

/** The card counts `--tensor-parallel-size` accepts on sendnn (vLLM-Spyre's). */
export const TENSOR_PARALLEL_SIZES: readonly number[] = [1, 2, 4, 8];

/**
 * Megatron-style tensor parallelism splits the attention heads and the KV heads across the cards, so both
 * must divide by the card count. Refuses, at startup, a card count or a model that cannot be split that way,
 * naming the numbers.
 */
export function checkShardable(desc: SendnnModelDesc, cards: number): void {
  if (!TENSOR_PARALLEL_SIZES.includes(cards)) {
    throw new EngineError('invalid_config', `--tensor-parallel-size ${cards} is not supported by the sendnn backend: use one of ${TENSOR_PARALLEL_SIZES.join(', ')}.`);
  }
  if (desc.numHeads % cards !== 0 || desc.numKvHeads % cards !== 0) {
    throw new EngineError('invalid_config', `the model cannot be split across ${cards} cards: it has ${desc.numHeads} attention heads and ${desc.numKvHeads} KV heads, and both must divide by --tensor-parallel-size ${cards}; use a tensor parallel size that divides ${desc.numKvHeads}.`);
  }
}
