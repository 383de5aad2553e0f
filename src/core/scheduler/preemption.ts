import type { KvCacheManager } from '../kv/kvCacheManager.js';
import { blocksForNextToken } from './batchTkv.js';
import type { SchedulerRequest } from './schedulerRequest.js';
import type { SchedulerState } from './schedulerState.js';

/**
 * Reserves a block for the request's next token when it needs one. When the pool is short, the newest
 * running request not yet scheduled in this step is preempted (FCFS priority, as vLLM), possibly the
 * request itself; false when it was.
 */
export function reserveNextTokenSlot(
  state: SchedulerState,
  kv: KvCacheManager,
  blockSize: number,
  request: SchedulerRequest,
  scheduled: readonly (SchedulerRequest | undefined)[],
  numScheduled = scheduled.length,
): boolean {
  const numBlocks = request.blockIds.length;
  if (blocksForNextToken(request.numComputedTokens, numBlocks, blockSize) === numBlocks) return true;
  for (;;) {
    if (kv.tryAllocate(request.id, request.tokenView(), request.numComputedTokens + 1) !== undefined) {
      request.blockIds = kv.blocksOf(request.id);
      return true;
    }
    let victim = request;
    for (const other of state.running) {
      if (other.arrivalIndex > victim.arrivalIndex && !isAmong(other, scheduled, numScheduled)) victim = other;
    }
    preempt(state, kv, victim);
    if (victim === request) return false;
  }
}

function isAmong(request: SchedulerRequest, list: readonly (SchedulerRequest | undefined)[], length: number): boolean {
  for (let index = 0; index < length; index++) if (list[index] === request) return true;
  return false;
}

/** vLLM's recompute preemption: the request gives back its blocks and prefills all its tokens again later. */
function preempt(state: SchedulerState, kv: KvCacheManager, request: SchedulerRequest): void {
  kv.free(request.id);
  request.dropBlocks();
  state.running.splice(state.running.indexOf(request), 1);
  request.status = 'waiting';
  request.numComputedTokens = 0;
  request.numPrefillTokens = request.numTokens;
  request.prefixHit = { blockIds: [], numTokens: 0 };
  request.numUsablePrefixTokens = 0;
  request.numPrefillStepsRun = 0;
  state.waiting.unshift(request);
  state.preemptions += 1;
}
