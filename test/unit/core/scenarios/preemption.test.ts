import { describe, expect, it } from 'vitest';
import { createCoreHarness, promptOf, request, runStep } from '../../../support/coreHarness.js';
import { stepNotation } from '../../../support/stepNotation.js';

describe('having two long generations and a pool too small for both at full length', () => {
  // 5 usable blocks; each request needs 3 at its end (64 prompt + 100 output tokens).
  const harness = createCoreHarness({ maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64, numBlocks: 6 });
  harness.core.addRequest(request('a', promptOf(64), 100));
  harness.core.addRequest(request('b', promptOf(64, 500), 100));
  const steps: string[] = [];
  const produced = new Map<string, number>();
  const tokensSeenAtPrefill: number[] = [];
  for (let step = 0; step < 1000 && harness.core.hasUnfinishedRequests(); step++) {
    const plan = harness.core.beginStep();
    if (plan?.kind === 'prefill' && plan.requestId === 'a') tokensSeenAtPrefill.push(plan.endValidSlot - plan.firstValidSlot);
    const report = harness.core.finishStep({
      sampled: plan === undefined ? [] : plan.kind === 'prefill' ? (plan.isLastChunk ? [{ requestId: plan.requestId, tokenId: 9 }] : []) : plan.rows.map((row) => ({ requestId: row.requestId, tokenId: 9 })),
    });
    for (const token of report.produced) produced.set(token.requestId, (produced.get(token.requestId) ?? 0) + 1);
    steps.push(stepNotation(report.trace!));
  }

  it('should preempt the request at the tail of running when a decode block cannot be reserved', () => {
    expect(harness.core.stats().numPreemptions).toBe(1);
    // a took the last free block first; when b (first in running) needs one, a (the tail) is preempted.
    const preemptedAt = steps.findIndex((line) => line.startsWith('decode') && line.includes('w=a'));
    expect(steps.slice(preemptedAt - 1, preemptedAt + 2)).toEqual([
      'decode tkv=192 w= r=b,a o=b,a f= used=5 | b:3,4 a:1,2,5',
      'decode tkv=129 w=a r=b o=b f= used=3 | b:3,4,5',
      'prefill tkv=129 w= r=a,b o= f= used=4 | a:2 b:3,4,5',
    ]);
  });

  it('should re-prefill the victim over its prompt and the tokens it had produced (recompute)', () => {
    expect(tokensSeenAtPrefill[0]).toBe(64);
    expect(tokensSeenAtPrefill.slice(1).reduce((sum, count) => sum + count, 0)).toBe(64 + 66); // the prompt and the 66 tokens a had produced
  });

  it('should still give each request exactly max_tokens tokens and free every block', () => {
    expect(produced.get('a')).toBe(100);
    expect(produced.get('b')).toBe(100);
    expect(harness.pool.numFreeBlocks).toBe(5);
    expect(runStep(harness).trace?.kind).toBe('idle');
  });
});
