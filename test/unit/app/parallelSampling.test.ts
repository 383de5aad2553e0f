import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeLlmEngine, createLlmEngine, type CreatedLlmEngine } from '../../../src/app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import type { FinalOutput, GenerateParams, GenerationOutput, PromptInput } from '../../../src/core/engine/generationTypes.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../support/tinyModel.js';

async function collect(outputs: AsyncIterable<GenerationOutput>): Promise<GenerationOutput[]> {
  const all: GenerationOutput[] = [];
  for await (const output of outputs) all.push(output);
  return all;
}

const finals = (outputs: readonly GenerationOutput[]): FinalOutput[] => outputs.filter((output): output is FinalOutput => output.kind === 'final');

// 150 tokens: two full blocks the copies share and a partial third block each copy gets a copy of.
const PROMPT: PromptInput = { promptTokenIds: randomIds(7, 150, 5, 200) };
const SEEDED: GenerateParams = { temperature: 1, topP: 0.9, seed: 77, maxTokens: 24, ignoreEos: true };

// Both decode paths of the eager backend: the slot path (new-KV outputs) and the presents path.
describe.each([
  { decodePath: 'slot', exportNewKv: true },
  { decodePath: 'presents', exportNewKv: false },
])('parallel sampling on the eager backend ($decodePath decode path)', ({ exportNewKv }) => {
  let tiny: TinyModelDir;
  let created: CreatedLlmEngine;
  let prefillTokens = 0;

  beforeAll(async () => {
    tiny = buildTinyModel(0, exportNewKv);
    created = await createLlmEngine({ flags: { model: tiny.dir, maxModelLen: 512, maxNumSeqs: 4, maxNumBatchedTokens: 128 }, env: {}, logger: SILENT_LOGGER, intraOpNumThreads: 1 });
    created.engine.onStep((report) => {
      if (report.plan?.kind === 'prefill') prefillTokens += report.plan.endValidSlot - report.plan.firstValidSlot;
    });
  });
  afterAll(async () => {
    await created.close();
    tiny.remove();
  });

  it('should give each of n=3 seeded copies the tokens of a request run alone with seed + index, from one prefill', async () => {
    prefillTokens = 0;
    const outputs = await collect(created.engine.generate(PROMPT, { ...SEEDED, n: 3 }, { requestId: 'p' }));
    expect(prefillTokens).toBe(150);
    const byIndex = finals(outputs).sort((a, b) => a.index! - b.index!);
    expect(byIndex.map((final) => [final.index, final.requestId, final.finishReason, final.tokenIds.length])).toEqual([
      [0, '0_p', 'length', 24],
      [1, '1_p', 'length', 24],
      [2, '2_p', 'length', 24],
    ]);
    for (const final of byIndex) {
      const deltas = outputs.filter((output) => output.kind === 'delta' && output.index === final.index);
      expect(deltas.flatMap((delta) => delta.tokenIds)).toEqual(final.tokenIds);
      prefillTokens = 0;
      const [alone] = finals(await collect(created.engine.generate(PROMPT, { ...SEEDED, seed: SEEDED.seed! + final.index! })));
      expect(prefillTokens).toBe(150);
      expect(final.tokenIds).toEqual(alone!.tokenIds);
      expect(final.text).toBe(alone!.text);
    }
    expect(new Set(byIndex.map((final) => final.tokenIds.join(','))).size).toBe(3);
    expect(created.engine.core.stats().kvCacheUsage).toBe(0);
  });

  // One copy stops at ' a' while the others run to their length; one ends at EOS after min_tokens.
  it.each<[string, GenerateParams]>([
    ['a stop string', { stop: [' a', 'e '] }],
    ['penalties', { frequencyPenalty: 0.6, presencePenalty: 0.4, repetitionPenalty: 1.3 }],
    ['min_tokens with EOS', { minTokens: 6, ignoreEos: false, stopTokenIds: [7, 9, 11] }],
    ['logprobs', { logprobs: 3 }],
  ])('should end each copy as a single run with seed + index ends, with %s', async (_name, extra) => {
    const params: GenerateParams = { ...SEEDED, ...extra };
    const copies = finals(await collect(created.engine.generate(PROMPT, { ...params, n: 3 }))).sort((a, b) => a.index! - b.index!);
    for (const copy of copies) {
      const [alone] = finals(await collect(created.engine.generate(PROMPT, { ...params, seed: params.seed! + copy.index! })));
      const { kind, text, tokenIds, finishReason, stopReason } = alone!;
      expect(copy).toMatchObject({ kind, text, tokenIds, finishReason, ...(stopReason !== undefined ? { stopReason } : {}) });
    }
    expect(created.engine.core.stats().kvCacheUsage).toBe(0);
  });

  it('should share the prefill with a block-aligned prompt too (no partial block to copy)', async () => {
    const aligned: PromptInput = { promptTokenIds: randomIds(8, 128, 5, 200) };
    const outputs = await collect(created.engine.generate(aligned, { ...SEEDED, n: 2 }));
    const second = finals(outputs).find((final) => final.index === 1)!;
    const [alone] = finals(await collect(created.engine.generate(aligned, { ...SEEDED, seed: SEEDED.seed! + 1 })));
    expect(second.tokenIds).toEqual(alone!.tokenIds);
  });

  it('should give every copy its tokens when a copy is preempted and recomputed alone (a pool too small for all)', async () => {
    const tight = composeLlmEngine(created.eagerModel!, {
      flags: { model: tiny.dir, maxModelLen: 512, maxNumSeqs: 4, maxNumBatchedTokens: 128, numBlocks: 16 },
      env: {},
      logger: SILENT_LOGGER,
    });
    const other: PromptInput = { promptTokenIds: randomIds(9, 10, 5, 200) };
    const otherParams: GenerateParams = { temperature: 1, seed: 5, maxTokens: 300, ignoreEos: true };
    const group: GenerateParams = { ...SEEDED, maxTokens: 200 };
    // The older request grows to 5 blocks, the copies to 2 shared + 4 each: 19 > 15, so the newest copy is preempted.
    const [otherFinal, copies] = await Promise.all([
      collect(tight.engine.generate(other, otherParams)).then((outputs) => finals(outputs)[0]!),
      collect(tight.engine.generate(PROMPT, { ...group, n: 3 })).then((outputs) => finals(outputs).sort((a, b) => a.index! - b.index!)),
    ]);
    expect(tight.engine.core.stats().numPreemptions).toBeGreaterThan(0);
    expect(tight.engine.core.stats().kvCacheUsage).toBe(0);
    const [otherAlone] = finals(await collect(created.engine.generate(other, otherParams)));
    expect(otherFinal.tokenIds).toEqual(otherAlone!.tokenIds);
    for (const copy of copies) {
      const [alone] = finals(await collect(created.engine.generate(PROMPT, { ...group, seed: group.seed! + copy.index! })));
      expect(copy.tokenIds, `copy ${copy.index}`).toEqual(alone!.tokenIds);
    }
  });

  it('should abort every copy and free every block when the consumer leaves early', async () => {
    for await (const output of created.engine.generate(PROMPT, { ...SEEDED, n: 3, maxTokens: 200 })) {
      if (output.kind === 'delta') break;
    }
    expect(created.engine.numUnfinishedRequests).toBe(0);
    expect(created.engine.core.hasUnfinishedRequests()).toBe(false);
    expect(created.engine.core.stats().kvCacheUsage).toBe(0);
  });

  it('should refuse n > 1 with greedy sampling and n below 1, naming n', () => {
    expect(() => created.engine.generate(PROMPT, { temperature: 0, n: 2 })).toThrow("'n' must be 1 when using greedy sampling (temperature 0), got 2.");
    expect(() => created.engine.generate(PROMPT, { n: 0 })).toThrow("'n' must be a positive integer, got 0.");
    expect(() => created.engine.generate(PROMPT, { n: 5 })).toThrow(/'n' is 5, but .* max_num_seqs=4/);
    expect(created.engine.numUnfinishedRequests).toBe(0);
  });
});
