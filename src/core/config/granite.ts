import type { ModelShapeHints } from './engineFlags.js';

export const GRANITE_3_3_8B = 'ibm-granite/granite-3.3-8b-instruct';

/** Whether the model is granite-3.3-8b-instruct, by name or by the shape of its config (SPEC §1.3). */
export function isGranite33_8b(names: readonly string[], hints: ModelShapeHints | undefined): boolean {
  if (names.some((name) => name === GRANITE_3_3_8B || name.replace(/\/+$/, '').endsWith('/granite-3.3-8b-instruct'))) return true;
  return (
    hints !== undefined &&
    hints.modelType === 'granite' &&
    hints.numHiddenLayers === 40 &&
    hints.hiddenSize === 4096 &&
    hints.vocabSize === 49159 &&
    hints.numAttentionHeads === 32 &&
    hints.numKeyValueHeads === 8
  );
}
