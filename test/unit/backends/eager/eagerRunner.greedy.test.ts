import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { loadReferenceModel, ReferenceSequence, type ReferenceModel } from '../../../../src/models/reference/index.js';
import { argmax } from '../../../../src/models/reference/index.js';
import { buildTinyModel, eagerCoreRig, loadEagerModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { runUntilDone, type Arrival } from './runUntilDone.js';

// The same weights twice: a graph that exports its new tokens' KV (the runner keeps the decode past in
// slots and fetches one token a row) and one with only the Optimum outputs (the runner feeds the presents
// back), so both decode paths are checked against the reference.
let tiny: TinyModelDir;
let optimumOnly: TinyModelDir;
const models: { withNewKv?: EagerModel; presentsOnly?: EagerModel } = {};
let reference: ReferenceModel;

beforeAll(async () => {
  tiny = buildTinyModel();
  optimumOnly = buildTinyModel(0, false);
  models.withNewKv = await loadEagerModel(tiny.dir, { intraOpNumThreads: 1 });
  models.presentsOnly = await loadEagerModel(optimumOnly.dir, { intraOpNumThreads: 1 });
  expect(models.withNewKv.io.newKv).toBeDefined();
  expect(models.presentsOnly.io.newKv).toBeUndefined();
  reference = loadReferenceModel(tiny.dir);
});
afterAll(async () => {
  await models.withNewKv?.session.release();
  await models.presentsOnly?.session.release();
  tiny.remove();
  optimumOnly.remove();
});

const REFERENCE_TOKENS = 8;
const referenceRuns = new Map<number, { tokens: number[]; logits: Float32Array[] }>();

/** The reference's greedy continuation of any prompt, and the logits before each produced token. */
function referenceGreedy(prompt: readonly number[], count: number): { tokens: number[]; logits: Float32Array[] } {
  const sequence = new ReferenceSequence(reference);
  let last = new Float32Array(0);
  for (const id of prompt) last = sequence.next(id);
  const tokens: number[] = [];
  const logits: Float32Array[] = [];
  while (tokens.length < count) {
    logits.push(last);
    tokens.push(argmax(last));
    if (tokens.length < count) last = sequence.next(tokens.at(-1) as number);
  }
  return { tokens, logits };
}

/** The reference's greedy continuation of pool prompt `index` and the logits before each produced token (memoised). */
function referenceRun(index: number): { tokens: number[]; logits: Float32Array[] } {
  const run = referenceRuns.get(index) ?? referenceGreedy(poolPrompt(index), REFERENCE_TOKENS);
  referenceRuns.set(index, run);
  return run;
}

// Prompt lengths around block and chunk edges, up to two chunks of 512. The reference forward is plain
// TypeScript (about 1.5 ms a token here), so the cases share this pool and the runs are memoised.
const POOL_LENGTHS = [1, 40, 63, 64, 65, 127, 129, 200, 300, 450, 600];

function poolPrompt(index: number): number[] {
  return randomIds(1000 + index, POOL_LENGTHS[index] as number, 3, (models.withNewKv as EagerModel).io.vocabSize);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return Number.isNaN(max) ? Infinity : max;
}

interface Case {
  readonly chunkSize: number;
  readonly interleave: boolean;
  readonly prefixCaching: boolean;
  readonly maxNumSeqs: number;
  readonly seed: number;
  /** A pool too small for the batch: requests are preempted and prefilled again. */
  readonly numBlocks?: number;
  /** Pool prompts to send (all at step 0) instead of a seeded pick. */
  readonly picks?: readonly number[];
}

/**
 * 2–6 pool prompts with staggered arrival steps and 2–8 output tokens; with prefix caching, each prompt is
 * sent again a few steps later, so that whole chunks are reused from the cache.
 */
function arrivalsFor(c: Case): Arrival[] {
  const count = 2 + (c.seed % 5);
  const picks = c.picks ?? randomIds(c.seed * 31, count, 0, POOL_LENGTHS.length);
  const atStep = (i: number): number => (c.picks ? 0 : (randomIds(c.seed * 17 + i, 1, 0, 10)[0] as number));
  const arrivals = picks.map((pick, i) => ({ pick, id: `r${i}`, atStep: atStep(i), maxTokens: c.picks ? REFERENCE_TOKENS : 2 + ((c.seed + i) % 7) }));
  const again = c.prefixCaching ? arrivals.map((a) => ({ ...a, id: `${a.id}-again`, atStep: a.atStep + 6 + (a.pick % 5) })) : [];
  return [...arrivals, ...again].map((a) => ({ id: a.id, atStep: a.atStep, prompt: poolPrompt(a.pick), maxTokens: a.maxTokens, pick: a.pick }));
}

const CASES: Case[] = [
  { chunkSize: 64, interleave: true, prefixCaching: false, maxNumSeqs: 1, seed: 1 },
  { chunkSize: 64, interleave: false, prefixCaching: true, maxNumSeqs: 3, seed: 2 },
  { chunkSize: 128, interleave: true, prefixCaching: true, maxNumSeqs: 8, seed: 3 },
  { chunkSize: 128, interleave: false, prefixCaching: false, maxNumSeqs: 4, seed: 4 },
  { chunkSize: 192, interleave: true, prefixCaching: false, maxNumSeqs: 2, seed: 5 },
  { chunkSize: 256, interleave: true, prefixCaching: true, maxNumSeqs: 5, seed: 6 },
  { chunkSize: 256, interleave: false, prefixCaching: false, maxNumSeqs: 8, seed: 7 },
  { chunkSize: 512, interleave: true, prefixCaching: false, maxNumSeqs: 6, seed: 8 },
  { chunkSize: 512, interleave: false, prefixCaching: true, maxNumSeqs: 2, seed: 9 },
  { chunkSize: 64, interleave: true, prefixCaching: true, maxNumSeqs: 8, seed: 10 },
  // Prompts of 63, 127, 129 and 65 tokens fill 8 blocks; their first decode tokens need more.
  { chunkSize: 64, interleave: false, prefixCaching: false, maxNumSeqs: 4, seed: 11, numBlocks: 9, picks: [2, 5, 6, 4] },
  { chunkSize: 128, interleave: false, prefixCaching: false, maxNumSeqs: 4, seed: 12, numBlocks: 9, picks: [2, 5, 6, 4] },
];

describe.each(['withNewKv', 'presentsOnly'] as const)('EagerRunner under the engine core, graph %s', (variant) => {
  describe.each(CASES)('having chunk $chunkSize, interleave $interleave, prefix caching $prefixCaching, max_num_seqs $maxNumSeqs, blocks $numBlocks (seed $seed)', (c) => {
    it('should produce the reference greedy tokens, with logits within 1e-4 of the reference', async () => {
      const rig = eagerCoreRig(
        models[variant] as EagerModel,
        { maxModelLen: 2048, maxNumSeqs: c.maxNumSeqs, maxNumBatchedTokens: c.chunkSize, enablePrefixCaching: c.prefixCaching, ...(c.numBlocks ? { numBlocks: c.numBlocks } : {}) },
        { VLLM_SPYRE_CP_INTERLEAVE_STEPS: c.interleave ? '1' : '0' },
      );
      const arrivals = arrivalsFor(c);
      const outcome = await runUntilDone(rig, arrivals);
      for (const arrival of arrivals) {
        const expected = referenceRun((arrival as Arrival & { pick: number }).pick);
        expect(outcome.outputs.get(arrival.id), arrival.id).toEqual(expected.tokens.slice(0, arrival.maxTokens));
        const got = outcome.logits.get(arrival.id) ?? [];
        expect(got.length).toBe(arrival.maxTokens);
        got.forEach((row, i) => expect(maxAbsDiff(row, expected.logits[i] as Float32Array), `${arrival.id} token ${i}`).toBeLessThan(1e-4));
      }
      if (c.prefixCaching) expect(rig.core.stats().prefixCacheHitTokens).toBeGreaterThan(0);
      if (c.numBlocks !== undefined) expect(rig.core.stats().numPreemptions).toBeGreaterThan(0);
      expect(rig.core.stats().kvCacheUsage).toBe(0);
    });
  });
});

// A follow-up prompt (the first request's prompt, the start of its answer, a new question) reuses the first
// chunk from the prefix cache, and that block ends with a token the first request wrote while decoding:
// that KV must be in the paged store by the time the follow-up's prefill reads it, whether the first
// request still decodes or has left the batch. A longer request decodes beside it, keeping the slots wide
// enough that nothing is regathered (a regather stores everything).
describe.each(['withNewKv', 'presentsOnly'] as const)('A follow-up prompt hitting a block written by decoding, graph %s', (variant) => {
  it.each([
    { when: 'while the first request still decodes', firstTokens: REFERENCE_TOKENS },
    { when: 'after the first request left a batch that goes on', firstTokens: 3 },
  ])('should produce the reference greedy tokens and logits $when', async ({ firstTokens }) => {
    const rig = eagerCoreRig(models[variant] as EagerModel, { maxModelLen: 2048, maxNumSeqs: 3, maxNumBatchedTokens: 64, enablePrefixCaching: true }, { VLLM_SPYRE_CP_INTERLEAVE_STEPS: '1' });
    const first = poolPrompt(2); // 63 tokens: its first decode step writes position 63, the end of block 0
    const answer = referenceRun(2).tokens.slice(0, firstTokens);
    const followUp = [...first, ...answer.slice(0, 2), ...randomIds(77, 20, 3, (models.withNewKv as EagerModel).io.vocabSize)];
    const outcome = await runUntilDone(rig, [
      { id: 'longer', atStep: 0, prompt: poolPrompt(5), maxTokens: REFERENCE_TOKENS },
      { id: 'first', atStep: 0, prompt: first, maxTokens: firstTokens },
      { id: 'follow-up', atStep: 7, prompt: followUp, maxTokens: 6 },
    ]);
    expect(outcome.outputs.get('first')).toEqual(answer);
    const expected = referenceGreedy(followUp, 6);
    expect(outcome.outputs.get('follow-up')).toEqual(expected.tokens);
    expect(outcome.logits.get('follow-up')).toHaveLength(6);
    (outcome.logits.get('follow-up') ?? []).forEach((row, i) => expect(maxAbsDiff(row, expected.logits[i] as Float32Array), `token ${i}`).toBeLessThan(1e-4));
    expect(rig.core.stats().prefixCacheHitTokens).toBe(64);
  });
});

// The first request finishes with decode tokens only in its slot, and the block they belong in goes straight
// to the next prompt (two blocks in the pool, freed tail first): those tokens must reach the block before
// the prompt's KV does, not after.
describe.each(['withNewKv', 'presentsOnly'] as const)('A prompt prefilled into the block a finished request decoded into, graph %s', (variant) => {
  it('should produce the reference greedy tokens and logits', async () => {
    const rig = eagerCoreRig(models[variant] as EagerModel, { maxModelLen: 192, maxNumSeqs: 2, maxNumBatchedTokens: 64, numBlocks: 3 }, { VLLM_SPYRE_CP_INTERLEAVE_STEPS: '1' });
    const first = poolPrompt(4); // 65 tokens; its decode steps write positions 65…71, slots 1…7 of its second block
    const next = randomIds(91, 60, 3, (models.withNewKv as EagerModel).io.vocabSize); // slots 0…59 of that block
    const outcome = await runUntilDone(rig, [
      { id: 'first', atStep: 0, prompt: first, maxTokens: REFERENCE_TOKENS },
      { id: 'next', atStep: REFERENCE_TOKENS + 1, prompt: next, maxTokens: 3 },
    ]);
    expect(outcome.outputs.get('first')).toEqual(referenceRun(4).tokens);
    const expected = referenceGreedy(next, 3);
    expect(outcome.outputs.get('next')).toEqual(expected.tokens);
    expect(outcome.logits.get('next')).toHaveLength(3);
    (outcome.logits.get('next') ?? []).forEach((row, i) => expect(maxAbsDiff(row, expected.logits[i] as Float32Array), `token ${i}`).toBeLessThan(1e-4));
  });
});
