import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { buildTinyModel, eagerCoreRig, loadEagerModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { maxDifference, runObserved, sendnnRig } from './sendnnRig.js';
import type { SamplingParams } from '../../../../src/core/contracts/requests.js';

let tiny: TinyModelDir;
let eagerModel: EagerModel;

beforeAll(async () => {
  tiny = buildTinyModel(3);
  eagerModel = await loadEagerModel(tiny.dir);
});
afterAll(async () => {
  await eagerModel.session.release();
  tiny.remove();
});

describe('the sendnn backend against the eager backend', () => {
  for (const { chunk, seqs } of [{ chunk: 64, seqs: 2 }, { chunk: 128, seqs: 4 }, { chunk: 192, seqs: 3 }]) {
    describe(`having chunk size ${chunk} and max_num_seqs ${seqs}`, () => {
      it('should produce the same greedy tokens and nearly the same logits', async () => {
        const flags = { maxModelLen: 512, maxNumSeqs: seqs, maxNumBatchedTokens: chunk };
        const vocab = eagerModel.io.vocabSize;
        const prompts = [7, 70, 200, 129, 33].map((length, i) => randomIds(100 + i, length, 3, vocab));
        const eager = eagerCoreRig(eagerModel, flags);
        const sendnn = sendnnRig(tiny.dir, flags);
        try {
          const greedy = (): SamplingParams => ({ temperature: 0 });
          const expected = await runObserved(eager.core, eager.runner, prompts, 10, greedy);
          const actual = await runObserved(sendnn.core, sendnn.runner, prompts, 10, greedy);
          expect(actual.tokens).toEqual(expected.tokens);
          expect(new Set([...expected.tokens.values()].map((tokens) => tokens.join(','))).size).toBe(prompts.length);
          expect(expected.firstLogits.size).toBe(prompts.length);
          for (const [id, logits] of expected.firstLogits) expect(maxDifference(logits, actual.firstLogits.get(id) as Float32Array), id).toBeLessThan(1e-3);
        } finally {
          sendnn.session.close();
        }
      });
    });
  }
});
