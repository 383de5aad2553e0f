import type { FinishReason } from '../contracts/requests.js';
import type { SchedulerRequest } from './schedulerRequest.js';

/**
 * Whether the token just appended ends the request: `max_tokens` reached, or EOS (unless `ignore_eos`) or a
 * stop token once `min_tokens` have been produced. Stop strings need text and are checked above the core.
 */
export function finishReasonAfterToken(request: SchedulerRequest, tokenId: number): FinishReason | undefined {
  const { limits } = request;
  const numOutputTokens = request.numOutputTokens;
  if (numOutputTokens >= limits.minTokens) {
    if (!limits.ignoreEos && limits.eosTokenIds.includes(tokenId)) return 'stop';
    if (limits.stopTokenIds.includes(tokenId)) return 'stop';
  }
  if (numOutputTokens >= limits.maxTokens) return 'length';
  return undefined;
}
