import type { FinishReason } from '../contracts/requests.js';
import type { SchedulerRequest } from './schedulerRequest.js';

/** Why the token just appended ends the request; `stopTokenId` when it is one of the request's stop tokens (vLLM's `stop_reason`). */
export interface TokenStop {
  readonly reason: FinishReason;
  readonly stopTokenId?: number;
}

/**
 * Whether the token just appended ends the request: `max_tokens` reached, or EOS (unless `ignore_eos`) or a
 * stop token once `min_tokens` have been produced. EOS is checked first, as vLLM does, so an EOS id also
 * listed in `stop_token_ids` ends with no stop token. Stop strings need text and are checked above the core.
 */
export function stopAfterToken(request: SchedulerRequest, tokenId: number): TokenStop | undefined {
  const { limits } = request;
  const numOutputTokens = request.numOutputTokens;
  if (numOutputTokens >= limits.minTokens) {
    // The length checks first: most requests have no stop ids, and `includes` is a call even on an empty list.
    if (!limits.ignoreEos && limits.eosTokenIds.length > 0 && limits.eosTokenIds.includes(tokenId)) return { reason: 'stop' };
    if (limits.stopTokenIds.length > 0 && limits.stopTokenIds.includes(tokenId)) return { reason: 'stop', stopTokenId: tokenId };
  }
  if (numOutputTokens >= limits.maxTokens) return { reason: 'length' };
  return undefined;
}

/** The finish reason of {@link stopAfterToken}. */
export function finishReasonAfterToken(request: SchedulerRequest, tokenId: number): FinishReason | undefined {
  return stopAfterToken(request, tokenId)?.reason;
}
