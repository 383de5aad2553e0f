import { describe, expect, it } from 'vitest';
import { createCoreHarness, promptOf, request, runStep } from '../../../support/coreHarness.js';

function runUntilIdle(harness: ReturnType<typeof createCoreHarness>): void {
  for (let step = 0; step < 2000 && harness.core.hasUnfinishedRequests(); step++) runStep(harness);
}

describe('having prefix caching on with chunk size 128 (SPEC §3)', () => {
  const expectedHits: readonly [number, number][] = [
    [53, 0],
    [127, 0],
    [144, 64],
    [250, 128],
    [299, 192],
    [350, 256],
    [420, 320],
  ];
  for (const [promptLength, hitTokens] of expectedHits) {
    it(`when a ${promptLength}-token prompt is sent twice, should count ${hitTokens} hit tokens (whole chunks only)`, () => {
      const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128, enablePrefixCaching: true });
      harness.core.addRequest(request('first', promptOf(promptLength), 2));
      runUntilIdle(harness);
      const queriedBefore = harness.core.stats().prefixCacheQueriedTokens;
      harness.core.addRequest(request('second', promptOf(promptLength), 2));
      runUntilIdle(harness);
      expect(harness.core.stats().prefixCacheHitTokens).toBe(hitTokens);
      expect(harness.core.stats().prefixCacheQueriedTokens - queriedBefore).toBe(promptLength);
      expect(harness.core.stats().kvCacheUsage).toBe(0);
    });
  }

  it('when prefix caching is off, should count nothing and reuse nothing', () => {
    const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    harness.core.addRequest(request('first', promptOf(420), 2));
    runUntilIdle(harness);
    harness.core.addRequest(request('second', promptOf(420), 2));
    const report = runStep(harness);
    expect(report.trace?.cachedBlocks).toBe(0);
    expect(harness.core.stats().prefixCacheHitTokens).toBe(0);
  });

  it('when a cache salt differs, should not share the prefix', () => {
    const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128, enablePrefixCaching: true });
    harness.core.addRequest(request('first', promptOf(420), 2, { cacheSalt: 'tenant-a' }));
    runUntilIdle(harness);
    harness.core.addRequest(request('second', promptOf(420), 2, { cacheSalt: 'tenant-b' }));
    runUntilIdle(harness);
    expect(harness.core.stats().prefixCacheHitTokens).toBe(0);
  });
});
