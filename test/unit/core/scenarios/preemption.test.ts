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
    if (plan?.kind === 'prefill' && plan.requestId === 'b') tokensSeenAtPrefill.push(plan.endValidSlot - plan.firstValidSlot);
    const report = harness.core.finishStep({
      sampled: plan === undefined ? [] : plan.kind === 'prefill' ? (plan.isLastChunk ? [{ requestId: plan.requestId, tokenId: 9 }] : []) : plan.rows.map((row) => ({ requestId: row.requestId, tokenId: 9 })),
    });
    for (const token of report.produced) produced.set(token.requestId, (produced.get(token.requestId) ?? 0) + 1);
    steps.push(stepNotation(report.trace!));
  }

  it('should preempt the newest request (FCFS priority) when a decode block cannot be reserved', () => {
    expect(harness.core.stats().numPreemptions).toBe(1);
    // a took the last free block first; when b needs one, b is the newest request: it gives its blocks back.
    const preemptedAt = steps.findIndex((line, index) => index > 2 && line.startsWith('decode') && line.includes('w=b'));
    expect(steps.slice(preemptedAt - 1, preemptedAt + 2)).toEqual([
      'decode tkv=192 w= r=b,a o=b,a f= used=5 | b:3,4 a:1,2,5',
      'decode tkv=130 w=b r=a o=a f= used=3 | a:1,2,5',
      'prefill tkv=130 w= r=b,a o= f= used=4 | b:4 a:1,2,5',
    ]);
  });

  it('should re-prefill the victim over its prompt and the tokens it had produced (recompute)', () => {
    expect(tokensSeenAtPrefill[0]).toBe(64);
    expect(tokensSeenAtPrefill.slice(1).reduce((sum, count) => sum + count, 0)).toBe(64 + 65); // the prompt and the 65 tokens b had produced
  });

  it('should still give each request exactly max_tokens tokens and free every block', () => {
    expect(produced.get('a')).toBe(100);
    expect(produced.get('b')).toBe(100);
    expect(harness.pool.numFreeBlocks).toBe(5);
    expect(runStep(harness).trace?.kind).toBe('idle');
  });
});
