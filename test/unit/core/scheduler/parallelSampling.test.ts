import { describe, expect, it } from 'vitest';
import { asRequestId, type RequestId } from '../../../../src/core/contracts/ids.js';
import type { PrefillChunkPlan } from '../../../../src/core/contracts/stepPlan.js';
import { createCoreHarness, promptOf, request, runStep, sampleWith, type CoreHarness } from '../../../support/coreHarness.js';
import { poolInvariantViolation } from '../../../support/poolInvariants.js';

const copies = (id: string, n: number): RequestId[] => Array.from({ length: n }, (_, index) => asRequestId(`${index}_${id}`));
const forksOf = (id: string, n: number) => copies(id, n).slice(1).map((requestId) => ({ requestId, sampling: { seed: 1 } }));

function harness(overrides: Parameters<typeof createCoreHarness>[0] = {}): CoreHarness {
  return createCoreHarness({ maxModelLen: 512, maxNumSeqs: 4, maxNumBatchedTokens: 128, ...overrides });
}

/** Steps until nothing is left; returns each request's output count, end reason, and the number of prefill steps run. */
function runToEnd(h: CoreHarness): { outputs: Map<RequestId, number>; reasons: Map<RequestId, string>; prefillSteps: number; prefillTokens: number } {
  const outputs = new Map<RequestId, number>();
  const reasons = new Map<RequestId, string>();
  let prefillSteps = 0;
  let prefillTokens = 0;
  for (let step = 0; step < 1000 && h.core.hasUnfinishedRequests(); step++) {
    const report = runStep(h);
    if (report.plan?.kind === 'prefill') {
      prefillSteps += 1;
      prefillTokens += report.plan.endValidSlot - report.plan.firstValidSlot;
    }
    for (const token of report.produced) outputs.set(token.requestId, (outputs.get(token.requestId) ?? 0) + 1);
    for (const ended of report.ended) reasons.set(ended.requestId, ended.reason);
    expect(poolInvariantViolation(h.pool)).toBeUndefined();
    const held = new Set(h.scheduler.runningRequests().flatMap((running) => h.kv.blocksOf(running.id)));
    expect(h.pool.numUsableBlocks - h.pool.numFreeBlocks).toBe(held.size);
  }
  return { outputs, reasons, prefillSteps, prefillTokens };
}

describe('parallel sampling (n > 1): one prefill, forked blocks', () => {
  it('should prefill a 100-token prompt once and fork it: full blocks shared, the partial last block copied per copy', () => {
    const h = harness();
    const [first, second, third] = copies('a', 3);
    h.core.addRequest(request(first!, promptOf(100), 5, { forks: forksOf('a', 3) }));
    const plan = h.core.beginStep() as PrefillChunkPlan;
    expect(plan.kind).toBe('prefill');
    expect(plan.isLastChunk).toBe(true);
    expect(plan.forks?.map((fork) => fork.requestId)).toEqual([second, third]);
    const [sharedBlock, lastBlock] = h.kv.blocksOf(first!);
    // Each copy holds the shared full block and a block of its own, which the device fills from the request's last block.
    expect(h.kv.blocksOf(second!)[0]).toBe(sharedBlock);
    expect(h.kv.blocksOf(third!)[0]).toBe(sharedBlock);
    expect(plan.blockCopies).toEqual([
      { source: lastBlock, target: h.kv.blocksOf(second!)[1] },
      { source: lastBlock, target: h.kv.blocksOf(third!)[1] },
    ]);
    expect(h.pool.refCount(sharedBlock!)).toBe(3);
    expect(h.pool.numUsableBlocks - h.pool.numFreeBlocks).toBe(4);
    const report = h.core.finishStep(sampleWith(plan, () => 7));
    expect(report.produced.map((token) => token.requestId)).toEqual([first, second, third]);
    expect(h.scheduler.runningRequests().map((running) => running.id)).toEqual([first, second, third]);
    expect(h.scheduler.runningRequests().every((running) => running.isDecoding && running.numComputedTokens === 100)).toBe(true);
    const rest = runToEnd(h);
    expect(rest.prefillSteps).toBe(0);
    for (const id of [first!, second!, third!]) {
      expect(1 + (rest.outputs.get(id) ?? 0)).toBe(5);
      expect(rest.reasons.get(id)).toBe('length');
    }
    expect(h.pool.numFreeBlocks).toBe(h.pool.numUsableBlocks);
  });

  it('should prefill a block-aligned prompt once, share every prompt block and copy none', () => {
    const h = harness();
    const [first, second] = copies('b', 2);
    h.core.addRequest(request(first!, promptOf(128), 3, { forks: forksOf('b', 2) }));
    const plan = h.core.beginStep() as PrefillChunkPlan;
    expect(plan.blockCopies).toBeUndefined();
    expect(h.kv.blocksOf(second!)).toEqual(h.kv.blocksOf(first!));
    h.core.finishStep(sampleWith(plan, () => 7));
    // The first decode step gives each copy a block of its own for position 128.
    runStep(h);
    expect(h.kv.blocksOf(first!).slice(0, 2)).toEqual(h.kv.blocksOf(second!).slice(0, 2));
    expect(h.kv.blocksOf(first!)[2]).not.toBe(h.kv.blocksOf(second!)[2]);
    const rest = runToEnd(h);
    expect(rest.prefillSteps).toBe(0);
    expect(h.pool.numFreeBlocks).toBe(h.pool.numUsableBlocks);
  });

  it('should run a long prompt chunk by chunk once (prefill tokens = prompt length, not n times it)', () => {
    const h = harness();
    h.core.addRequest(request(copies('c', 3)[0]!, promptOf(300), 4, { forks: forksOf('c', 3) }));
    const run = runToEnd(h);
    expect(run.prefillSteps).toBe(3);
    expect(run.prefillTokens).toBe(300);
    for (const id of copies('c', 3)) expect(run.outputs.get(id)).toBe(4);
  });

  it('should wait for n free decode slots before starting the prefill', () => {
    const h = harness({ maxNumSeqs: 3 });
    h.core.addRequest(request('busy', promptOf(10, 500), 3));
    h.core.addRequest(request(copies('d', 3)[0]!, promptOf(10), 2, { forks: forksOf('d', 3) }));
    const kinds: string[] = [];
    let forkedAt = -1;
    for (let step = 0; step < 20 && h.core.hasUnfinishedRequests(); step++) {
      const report = runStep(h);
      kinds.push(report.plan?.kind ?? 'idle');
      if (report.plan?.kind === 'prefill' && report.plan.forks !== undefined) forkedAt = step;
    }
    // 'busy' prefills and decodes its 3 tokens; the group of 3 only fits once it has ended.
    expect(kinds.slice(0, 3)).toEqual(['prefill', 'decode', 'decode']);
    expect(forkedAt).toBe(3);
  });

  it('should end the unforked copies with a request aborted before its prefill, and skip a copy aborted alone', () => {
    const h = harness();
    const [first, second, third] = copies('e', 3);
    h.core.addRequest(request(first!, promptOf(70), 3, { forks: forksOf('e', 3) }));
    expect(h.core.abortRequest(third!)).toBe(true);
    const plan = h.core.beginStep() as PrefillChunkPlan;
    expect(plan.forks?.map((fork) => fork.requestId)).toEqual([second]);
    h.core.finishStep(sampleWith(plan, () => 7));
    runToEnd(h);
    expect(h.pool.numFreeBlocks).toBe(h.pool.numUsableBlocks);

    const other = harness();
    const group = copies('f', 3);
    other.core.addRequest(request(group[0]!, promptOf(70), 3, { forks: forksOf('f', 3) }));
    expect(other.core.abortRequest(group[0]!)).toBe(true);
    for (const id of group) expect(other.scheduler.get(id)).toBeUndefined();
    expect(other.core.hasUnfinishedRequests()).toBe(false);
  });

  it('should end every copy with a request aborted while its forking chunk runs, freeing every block once', () => {
    const h = harness();
    const group = copies('g', 3);
    h.core.addRequest(request(group[0]!, promptOf(70), 3, { forks: forksOf('g', 3) }));
    const plan = h.core.beginStep();
    for (const id of group) h.core.abortRequest(id);
    const report = h.core.finishStep(sampleWith(plan, () => 7));
    expect(report.ended.map((ended) => [ended.requestId, ended.reason])).toEqual(group.map((id) => [id, 'abort']));
    expect(h.pool.numFreeBlocks).toBe(h.pool.numUsableBlocks);
    expect(poolInvariantViolation(h.pool)).toBeUndefined();
  });

  it('should fail every copy when the backend fails the forking chunk', () => {
    const h = harness();
    const group = copies('h', 3);
    h.core.addRequest(request(group[0]!, promptOf(70), 3, { forks: forksOf('h', 3) }));
    h.core.beginStep();
    const report = h.core.finishStep({ sampled: [], failed: [{ requestId: group[0]!, message: 'device lost' }] });
    expect(report.ended.map((ended) => [ended.requestId, ended.error])).toEqual(group.map((id) => [id, 'device lost']));
    expect(h.core.hasUnfinishedRequests()).toBe(false);
    expect(h.pool.numFreeBlocks).toBe(h.pool.numUsableBlocks);
  });

  it('should refuse n above max_num_seqs, a group over the volumetric limit and a group the pool cannot hold, naming n', () => {
    const h = harness({ maxNumSeqs: 2 });
    expect(() => h.core.addRequest(request(copies('i', 3)[0]!, promptOf(10), 4, { forks: forksOf('i', 3) }))).toThrow(
      "Could not add request: 'n' is 3, but the copies of a request decode together and at most max_num_seqs=2 sequences run at once. Lower 'n' or raise --max-num-seqs.",
    );
    const tight = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 4, maxNumBatchedTokens: 128 }, { VLLM_DT_MAX_BATCH_TKV_LIMIT: '1000' });
    expect(() => tight.core.addRequest(request(copies('j', 3)[0]!, promptOf(300), 100, { forks: forksOf('j', 3) }))).toThrow(/'n'=3 copies .* above VLLM_DT_MAX_BATCH_TKV_LIMIT=1000/);
    const small = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 4, maxNumBatchedTokens: 128, numBlocks: 12 });
    expect(() => small.core.addRequest(request(copies('k', 4)[0]!, promptOf(100), 300, { forks: forksOf('k', 4) }))).toThrow(/'n'=4 copies need 25 KV blocks \(1 shared prompt blocks and 6 of their own each\), but the pool has 11/);
    expect(small.core.hasUnfinishedRequests()).toBe(false);
  });
});
