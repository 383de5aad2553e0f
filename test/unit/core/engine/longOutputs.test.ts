import { describe, expect, it } from 'vitest';
import { createCoreHarness, promptOf, request, runStep } from '../../../support/coreHarness.js';

describe('having a request whose outputs outgrow its first token buffer', () => {
  it('should keep every token, in order, and feed the newest one back at each decode (the buffer grows)', () => {
    const harness = createCoreHarness({ maxModelLen: 2048, maxNumSeqs: 2, maxNumBatchedTokens: 128, enablePrefixCaching: true });
    const maxTokens = 700;
    harness.core.addRequest(request('long', promptOf(100), maxTokens, { ignoreEos: true }));
    let produced = 0;
    const fedBack: number[] = [];
    let outputs: readonly number[] | undefined;
    while (outputs === undefined) {
      const report = runStep(harness, () => 1000 + produced++);
      if (report.plan?.kind === 'decode') fedBack.push(report.plan.rows[0]!.tokenId);
      outputs = report.ended.find((ended) => ended.requestId === 'long')?.outputTokenIds;
    }
    const expected = Array.from({ length: maxTokens }, (_, index) => 1000 + index);
    expect(outputs).toEqual(expected);
    // Each decode feeds the token sampled just before it.
    expect(fedBack).toEqual(expected.slice(0, maxTokens - 1));
  });
});
