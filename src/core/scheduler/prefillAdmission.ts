import type { KvCacheManager, PrefixHit } from '../kv/kvCacheManager.js';
import { fitsAfterRealignment, withinVolumetricLimit, type DecodingRequestView } from './admissionChecks.js';
import type { SchedulerLimits } from './schedulerLimits.js';
import type { SchedulerRequest } from './schedulerRequest.js';
import type { SchedulerState } from './schedulerState.js';

/** The request whose prefill chunk may run this step. */
export interface PrefillCandidate {
  readonly request: SchedulerRequest;
  /** For a request not scheduled yet: its prefix-cache hit, looked up this step. */
  readonly newHit: PrefixHit | undefined;
}

/**
 * Which prefill may run this step (SPEC §2.2, §2.3): the ongoing one, or the head of the queue (FCFS); with
 * interleaving never right after another prefill while a request decodes; a last chunk only when the
 * joining request fits the batch after re-alignment and within the volumetric limit.
 */
export function prefillCandidate(state: SchedulerState, kv: KvCacheManager, limits: SchedulerLimits): PrefillCandidate | undefined {
  const ongoing = state.running.find((request) => request.isPrefilling);
  if (ongoing === undefined && state.waiting.length === 0) return undefined;
  const decoding = state.running.filter((request) => request.isDecoding);
  if (limits.interleaveSteps && state.previousStepWasPrefill && decoding.length > 0) return undefined;
  if (ongoing !== undefined) return mayContinue(ongoing, decoding, state, kv, limits) ? { request: ongoing, newHit: undefined } : undefined;
  const head = state.waiting.first();
  if (head === undefined) return undefined;
  const hit = kv.findPrefixHit(head.tokenIds, head.numPrefillTokens, head.cacheSalt);
  if (state.running.length === 0) return { request: head, newHit: hit };
  return mayStart(head, hit, decoding, state, kv, limits) ? { request: head, newHit: hit } : undefined;
}

function mayContinue(request: SchedulerRequest, decoding: readonly SchedulerRequest[], state: SchedulerState, kv: KvCacheManager, limits: SchedulerLimits): boolean {
  if (!limits.interleaveSteps) return true;
  const isLastChunk = request.numPrefillTokens - request.numComputedTokens <= limits.chunkSize;
  return !isLastChunk || lastChunkAllowed(request, decoding, state, kv, limits);
}

function mayStart(request: SchedulerRequest, hit: PrefixHit, decoding: readonly SchedulerRequest[], state: SchedulerState, kv: KvCacheManager, limits: SchedulerLimits): boolean {
  // Its copies (parallel sampling) need their decode slots too: they all join at its last chunk.
  if (state.running.length + request.numJoiningSequences > limits.maxNumSeqs) return false;
  const isLastChunk = request.numPrefillTokens - hit.numTokens <= limits.chunkSize;
  if (limits.interleaveSteps && !isLastChunk) return true;
  return lastChunkAllowed(request, decoding, state, kv, limits);
}

function lastChunkAllowed(request: SchedulerRequest, decoding: readonly SchedulerRequest[], state: SchedulerState, kv: KvCacheManager, limits: SchedulerLimits): boolean {
  const joining = { numPromptTokens: request.numPrefillTokens, numRemainingTokens: request.numRemainingTokens };
  const views: DecodingRequestView[] = decoding.map((other) => ({
    numComputedTokens: other.numComputedTokens,
    numBlocks: kv.numBlocksOf(other.id),
    numLeftTokens: other.numRemainingTokens + 1,
  }));
  const admissionLimits = { ...limits };
  const numJoining = request.numJoiningSequences;
  return (
    fitsAfterRealignment(joining, views, numJoining - 1, state.tkv, admissionLimits) &&
    withinVolumetricLimit(joining, views, state.tkv, admissionLimits, numJoining)
  );
}
