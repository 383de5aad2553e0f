import type { BlockId } from '../contracts/ids.js';
import type { StepPlan } from '../contracts/stepPlan.js';
import type { StepTraceLine } from '../contracts/trace.js';
import type { KvCacheManager } from '../kv/kvCacheManager.js';
import type { SpyreScheduler } from '../scheduler/spyreScheduler.js';

export interface StepTraceInput {
  readonly step: number;
  readonly timeS: number;
  readonly plan: StepPlan | undefined;
  readonly outputs: readonly string[];
  readonly finished: readonly string[];
}

/** The SPEC §8 trace line of the step just executed, read off the scheduler and the KV manager. */
export function buildStepTraceLine(input: StepTraceInput, scheduler: SpyreScheduler, kv: KvCacheManager): StepTraceLine {
  const blockTables: Record<string, readonly BlockId[]> = {};
  const refCounts: Record<string, number> = {};
  let cachedBlocks = 0;
  for (const request of scheduler.runningRequests()) {
    const blockIds = kv.blocksOf(request.id);
    if (blockIds.length === 0) continue;
    blockTables[request.id] = blockIds.slice();
    for (const blockId of blockIds) refCounts[blockId] = (refCounts[blockId] ?? 0) + 1;
    cachedBlocks += request.numUsablePrefixTokens / kv.blockSize;
  }
  const plan = input.plan;
  return {
    step: input.step,
    kind: plan === undefined ? 'idle' : plan.kind,
    time: input.timeS,
    tkv: scheduler.currentTkv,
    waiting: scheduler.waitingRequests().map((request) => request.id),
    running: scheduler.runningRequests().map((request) => request.id),
    outputs: input.outputs,
    finished: input.finished,
    usedBlocks: Object.keys(refCounts).length,
    freeBlocks: kv.numFreeBlocks,
    blockTables,
    refCounts,
    cachedBlocks,
    prefillSlotBlocks: plan?.kind === 'prefill' ? { [plan.requestId]: plan.slotBlocks.slice() } : {},
  };
}
