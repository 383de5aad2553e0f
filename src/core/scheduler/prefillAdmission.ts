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
  const running = state.running;
  let ongoing: SchedulerRequest | undefined;
  let anyDecoding = false;
  for (let index = 0; index < running.length; index++) {
    const request = running[index]!;
    if (ongoing === undefined && request.isPrefilling) ongoing = request;
    else if (request.isDecoding) anyDecoding = true;
  }
  if (ongoing === undefined && state.waiting.length === 0) return undefined;
  if (limits.interleaveSteps && state.previousStepWasPrefill && anyDecoding) return undefined;
  if (ongoing !== undefined) return mayContinue(ongoing, state, limits) ? { request: ongoing, newHit: undefined } : undefined;
  const head = state.waiting.first();
  if (head === undefined) return undefined;
  const hit = kv.findPrefixHit(head.tokenIds, head.numPrefillTokens, head.cacheSalt);
  if (running.length === 0) return { request: head, newHit: hit };
  return mayStart(head, hit, state, limits) ? { request: head, newHit: hit } : undefined;
}

function mayContinue(request: SchedulerRequest, state: SchedulerState, limits: SchedulerLimits): boolean {
  if (!limits.interleaveSteps) return true;
  const isLastChunk = request.numPrefillTokens - request.numComputedTokens <= limits.chunkSize;
  return !isLastChunk || lastChunkAllowed(request, state, limits);
}

function mayStart(request: SchedulerRequest, hit: PrefixHit, state: SchedulerState, limits: SchedulerLimits): boolean {
  // Its copies (parallel sampling) need their decode slots too: they all join at its last chunk.
  if (state.running.length + request.numJoiningSequences > limits.maxNumSeqs) return false;
  const isLastChunk = request.numPrefillTokens - hit.numTokens <= limits.chunkSize;
  if (limits.interleaveSteps && !isLastChunk) return true;
  return lastChunkAllowed(request, state, limits);
}

/** The decoding requests of the batch: each is its own admission view (numComputedTokens, numBlocks, numLeftTokens). */
function decodingRequests(running: readonly SchedulerRequest[]): DecodingRequestView[] {
  const decoding: DecodingRequestView[] = [];
  for (let index = 0; index < running.length; index++) if (running[index]!.isDecoding) decoding.push(running[index]!);
  return decoding;
}

function lastChunkAllowed(request: SchedulerRequest, state: SchedulerState, limits: SchedulerLimits): boolean {
  const joining = { numPromptTokens: request.numPrefillTokens, numRemainingTokens: request.numRemainingTokens };
  const decoding = decodingRequests(state.running);
  const numJoining = request.numJoiningSequences;
  return fitsAfterRealignment(joining, decoding, numJoining - 1, state.tkv, limits) && withinVolumetricLimit(joining, decoding, state.tkv, limits, numJoining);
}
