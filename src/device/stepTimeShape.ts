import type { StepTimeShape } from './stepTime.js';

/**
 * What one program run computes, for the step-time formula. A prefill chunk computes all its `chunkTokens`
 * slots (padding included: the program has a fixed shape) and attends up to the chunk's end, `contextTokens`
 * positions. A decode program computes its whole batch of `programRows` rows (the compiled batch that holds
 * the step's rows, padding rows included), each reading `tkv` positions.
 */
export function prefillStepTimeShape(chunkTokens: number, contextTokens: number): StepTimeShape {
  return { tokens: chunkTokens, kvPositionsRead: contextTokens, attentionPairs: chunkTokens * contextTokens };
}

export function decodeStepTimeShape(programRows: number, tkv: number): StepTimeShape {
  return { tokens: programRows, kvPositionsRead: programRows * tkv, attentionPairs: programRows * tkv };
}
