import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../src/core/contracts/errors.js';
import { createCoreHarness, promptOf, request, runStep } from '../../../support/coreHarness.js';
import { engineErrorOf } from '../../../support/engineErrors.js';

function rejection(body: () => void): string {
  return engineErrorOf(body, 'invalid_request').message;
}

describe('having an engine with max_model_len 512', () => {
  it('when the padded prompt plus max_tokens exceeds the context, should reject with the SPEC §1.4 text', () => {
    const { core } = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    expect(rejection(() => core.addRequest(request('a', promptOf(300), 200)))).toBe(
      'Could not add request: prompt length is 300 tokens, which gets padded to 320 tokens, maximum number of output tokens is 200 tokens, but max model context length is 512.',
    );
  });

  it('when max_tokens is absent, should default to max_model_len minus the padded prompt', () => {
    const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    harness.core.addRequest({ ...request('a', promptOf(300), 1), maxTokens: undefined });
    let produced = 0;
    for (let step = 0; step < 1000 && harness.core.hasUnfinishedRequests(); step++) produced += runStep(harness).produced.length;
    expect(produced).toBe(512 - 320);
  });

  it('when the prompt is empty, max_tokens is not positive or min_tokens exceeds it, should name the field', () => {
    const { core } = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    expect(rejection(() => core.addRequest(request('a', [], 4)))).toContain("'prompt'");
    expect(rejection(() => core.addRequest(request('b', promptOf(5), 0)))).toContain("'max_tokens'");
    expect(rejection(() => core.addRequest(request('c', promptOf(5), 4, { minTokens: 9 })))).toContain("'min_tokens'");
  });

  it('when a request alone would exceed the volumetric limit, should reject it instead of blocking the queue forever', () => {
    const { core } = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 4, maxNumBatchedTokens: 128 }, { VLLM_DT_MAX_BATCH_TKV_LIMIT: '256' });
    expect(rejection(() => core.addRequest(request('a', promptOf(200), 100)))).toContain('VLLM_DT_MAX_BATCH_TKV_LIMIT=256');
  });

  it('when a request id is reused while the first is in the engine, should reject the second', () => {
    const { core } = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    core.addRequest(request('a', promptOf(5), 4));
    expect(rejection(() => core.addRequest(request('a', promptOf(5), 4)))).toContain("'a'");
  });

  it('when a request is rejected, should keep serving the others', () => {
    const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    harness.core.addRequest(request('ok', promptOf(10), 3));
    expect(() => harness.core.addRequest(request('bad', promptOf(600), 3))).toThrow(EngineError);
    const ended = [];
    for (let step = 0; step < 20 && harness.core.hasUnfinishedRequests(); step++) ended.push(...runStep(harness).ended);
    expect(ended.map((request) => [request.requestId, request.reason, request.outputTokenIds.length])).toEqual([['ok', 'length', 3]]);
  });
});

describe('having requests in flight', () => {
  it('when a request is aborted between steps, should free its blocks at once', () => {
    const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    harness.core.addRequest(request('a', promptOf(300), 50));
    runStep(harness);
    expect(harness.pool.numFreeBlocks).toBeLessThan(harness.pool.numBlocks - 1);
    expect(harness.core.abortRequest(request('a', [], 1).requestId)).toBe(true);
    expect(harness.pool.numFreeBlocks).toBe(harness.pool.numBlocks - 1);
    expect(harness.core.hasUnfinishedRequests()).toBe(false);
  });

  it('when a request is aborted while its step is in flight, should end it when the step ends and report it', () => {
    const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    harness.core.addRequest(request('a', promptOf(10), 50));
    const plan = harness.core.beginStep();
    harness.core.abortRequest(request('a', [], 1).requestId);
    const report = harness.core.finishStep({ sampled: plan?.kind === 'prefill' ? [{ requestId: plan.requestId, tokenId: 3 }] : [] });
    expect(report.ended.map((ended) => [ended.requestId, ended.reason])).toEqual([['a', 'abort']]);
    expect(harness.pool.numFreeBlocks).toBe(harness.pool.numBlocks - 1);
  });

  it('when the backend fails a request, should end only that one with the error and keep the others', () => {
    const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    harness.core.addRequest(request('a', promptOf(10), 5));
    runStep(harness);
    harness.core.addRequest(request('b', promptOf(20, 100), 5));
    runStep(harness); // decode a (interleaving)
    runStep(harness); // prefill b
    const plan = harness.core.beginStep();
    expect(plan?.kind === 'decode' && plan.rows.map((row) => row.requestId)).toEqual(['b', 'a']);
    const report = harness.core.finishStep({ sampled: [{ requestId: request('b', [], 1).requestId, tokenId: 1 }], failed: [{ requestId: request('a', [], 1).requestId, message: 'device fault' }] });
    expect(report.ended).toEqual([expect.objectContaining({ requestId: 'a', reason: 'abort', error: 'device fault' })]);
    let steps = 0;
    while (harness.core.hasUnfinishedRequests() && steps++ < 20) runStep(harness);
    expect(harness.pool.numFreeBlocks).toBe(harness.pool.numBlocks - 1);
  });

  it('when EOS comes before min_tokens, should keep going; after, should stop', () => {
    const harness = createCoreHarness({ maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
    harness.core.addRequest(request('a', promptOf(10), 10, { ignoreEos: false, eosTokenIds: [2], minTokens: 3 }));
    const ended = [];
    for (let step = 0; step < 20 && harness.core.hasUnfinishedRequests(); step++) ended.push(...runStep(harness, () => 2).ended);
    expect(ended.map((request) => [request.reason, request.outputTokenIds.length])).toEqual([['stop', 3]]);
  });
});
