import type { RequestSamplingState } from './requestSamplingState.js';

/**
 * vLLM's penalties, in place: the repetition penalty over prompt and output ids (divide positive logits,
 * multiply negative ones), then presence and frequency penalties over output ids. Touches only the ids
 * seen, never the whole vocabulary.
 */
export function applyPenalties(logits: Float32Array, state: RequestSamplingState): void {
  const { repetitionPenalty, presencePenalty, frequencyPenalty } = state.options;
  if (repetitionPenalty !== 1) {
    const penalise = (tokenId: number): void => {
      const logit = logits[tokenId];
      if (logit === undefined) return;
      logits[tokenId] = logit > 0 ? logit / repetitionPenalty : logit * repetitionPenalty;
    };
    for (const tokenId of state.promptIds) penalise(tokenId);
    for (const tokenId of state.outputCounts.keys()) if (!state.promptIds.has(tokenId)) penalise(tokenId);
  }
  if (presencePenalty !== 0 || frequencyPenalty !== 0) {
    for (const [tokenId, count] of state.outputCounts) {
      const logit = logits[tokenId];
      if (logit !== undefined) logits[tokenId] = logit - frequencyPenalty * count - presencePenalty;
    }
  }
}

/** Before `min_tokens` outputs, EOS and stop ids cannot be chosen (as vLLM masks them). */
export function maskBeforeMinTokens(logits: Float32Array, state: RequestSamplingState): void {
  if (state.numOutputTokens >= state.options.minTokens) return;
  for (const tokenId of state.options.minTokensBlockedIds) {
    if (tokenId >= 0 && tokenId < logits.length) logits[tokenId] = Number.NEGATIVE_INFINITY;
  }
}

/** Index of the largest value; the first one on ties. */
export function argmax(values: Float32Array): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value > bestValue) {
      bestValue = value;
      best = i;
    }
  }
  return best;
}
