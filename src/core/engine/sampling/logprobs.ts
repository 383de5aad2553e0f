/** One candidate's log-probability. */
export interface TokenLogprob {
  readonly tokenId: number;
  readonly logprob: number;
}

/** What `SampledToken.extras.logprobs` holds when a request asks for `logprobs: n`. */
export interface SampledLogprobs {
  /** Log-probability of the chosen token. */
  readonly logprob: number;
  /** The n most likely tokens, most likely first. */
  readonly top: readonly TokenLogprob[];
}

/**
 * Log-probabilities from the model's raw logits (before penalties and temperature), as vLLM returns by
 * default. One pass for the log-sum-exp, one for the top n (n ≤ 20, kept by insertion).
 */
export function computeLogprobs(logits: Float32Array, chosenTokenId: number, topN: number): SampledLogprobs {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) if ((logits[i] as number) > max) max = logits[i] as number;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] as number) - max);
  const logZ = max + Math.log(sum);
  const topIds: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i] as number;
    if (topIds.length === topN && value <= (logits[topIds[topN - 1] as number] as number)) continue;
    let at = topIds.length;
    while (at > 0 && value > (logits[topIds[at - 1] as number] as number)) at -= 1;
    topIds.splice(at, 0, i);
    if (topIds.length > topN) topIds.pop();
  }
  return {
    logprob: (logits[chosenTokenId] as number) - logZ,
    top: topIds.map((tokenId) => ({ tokenId, logprob: (logits[tokenId] as number) - logZ })),
  };
}
