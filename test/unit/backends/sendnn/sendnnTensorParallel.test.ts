// Tensor parallelism on the emulated cards (ABI 3): the same greedy tokens as eager on 1, 2 and 4 cards, logits
// within 1e-4 of eager, seeded sampling unchanged, and each card holding its share of the KV cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import type { SamplingParams } from '../../../../src/core/contracts/requests.js';
import type { EngineCore } from '../../../../src/core/engine/engineCore.js';
import { buildTinyModel, eagerCoreRig, loadEagerModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { maxDifference, runObserved, sendnnRig, type ObservableExecutor, type ObservedRun } from './sendnnRig.js';

const FLAGS = { maxModelLen: 512, maxNumSeqs: 3, maxNumBatchedTokens: 128 };
const run = (core: EngineCore, executor: ObservableExecutor, prompts: readonly (readonly number[])[], sampling: (i: number) => SamplingParams): Promise<ObservedRun> =>
  runObserved(core, executor, prompts, 12, sampling);

const GREEDY = (): SamplingParams => ({ temperature: 0 });
const SEEDED = (i: number): SamplingParams => ({ temperature: 1, topK: 40, seed: 500 + i });

for (const { name, overrides, cardCounts } of [
  { name: 'the tiny preset (4 heads, 2 KV heads)', overrides: {}, cardCounts: [1, 2] },
  { name: 'the tiny preset with 8 heads of 8, 4 KV heads and a vocabulary that does not divide by 4', overrides: { numAttentionHeads: 8, numKeyValueHeads: 4, headDim: 8, tokenizerMerges: 250 }, cardCounts: [1, 2, 4] },
]) {
  describe(`having ${name}`, () => {
    let tiny: TinyModelDir;
    let eagerModel: EagerModel;
    beforeAll(async () => {
      tiny = buildTinyModel(5, true, overrides);
      eagerModel = await loadEagerModel(tiny.dir);
    });
    afterAll(async () => {
      await eagerModel.session.release();
      tiny.remove();
    });

    for (const [label, sampling] of [['greedy', GREEDY], ['seeded', SEEDED]] as const) {
      it(`should give eager's ${label} tokens on ${cardCounts.join(', ')} cards, with first-token logits within 1e-4 of eager`, async () => {
        const vocab = eagerModel.io.vocabSize;
        const prompts = [5, 70, 200, 130].map((length, i) => randomIds(40 + i, length, 3, vocab));
        const eager = eagerCoreRig(eagerModel, FLAGS);
        const expected = await run(eager.core, eager.runner, prompts, sampling);
        expect(new Set([...expected.tokens.values()].map((t) => t.join(','))).size).toBe(prompts.length);
        for (const cards of cardCounts) {
          const rig = sendnnRig(tiny.dir, { ...FLAGS, tensorParallelSize: cards });
          try {
            const actual = await run(rig.core, rig.runner, prompts, sampling);
            expect(actual.tokens, `${cards} cards`).toEqual(expected.tokens);
            for (const [id, logits] of expected.firstLogits) {
              expect(maxDifference(logits, actual.firstLogits.get(id) as Float32Array), `${id} on ${cards} cards`).toBeLessThan(1e-4);
            }
          } finally {
            rig.session.close();
          }
        }
      });
    }

    it('should give bitwise the same logits on every run of the same cards (the all-reduce sums in card order)', async () => {
      const cards = cardCounts[cardCounts.length - 1] as number;
      const prompts = [33, 150].map((length, i) => randomIds(90 + i, length, 3, eagerModel.io.vocabSize));
      const runs: ObservedRun[] = [];
      for (let i = 0; i < 3; i++) {
        const rig = sendnnRig(tiny.dir, { ...FLAGS, tensorParallelSize: cards });
        try {
          runs.push(await run(rig.core, rig.runner, prompts, GREEDY));
        } finally {
          rig.session.close();
        }
      }
      for (const other of runs.slice(1)) {
        for (const [id, logits] of runs[0]?.firstLogits ?? []) expect(Buffer.from((other.firstLogits.get(id) as Float32Array).buffer).equals(Buffer.from(logits.buffer)), id).toBe(true);
      }
    });

    it('should give each card 1/N of the KV cache', () => {
      const perCard = cardCounts.map((cards) => {
        const rig = sendnnRig(tiny.dir, { ...FLAGS, tensorParallelSize: cards });
        try {
          return { blocks: rig.session.memory.numBlocks, kv: rig.session.memory.kvBytesPerCard };
        } finally {
          rig.session.close();
        }
      });
      for (const [i, cards] of cardCounts.entries()) {
        expect(perCard[i]?.blocks).toBe(perCard[0]?.blocks);
        expect((perCard[i]?.kv as number) * cards).toBe(perCard[0]?.kv);
      }
    });
  });
}
