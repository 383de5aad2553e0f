import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceModel, referenceGreedy, type ReferenceModel } from '../../../../src/models/reference/index.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { drive, sendnnRig, type PromptCase } from './sendnnRig.js';

let tiny: TinyModelDir;
let reference: ReferenceModel;

beforeAll(() => {
  tiny = buildTinyModel();
  reference = loadReferenceModel(tiny.dir);
});
afterAll(() => tiny.remove());

function cases(vocabSize: number, lengths: readonly number[], maxTokens: number): PromptCase[] {
  return lengths.map((length, i) => ({ id: `r${i}`, prompt: randomIds(10 + i, length, 3, vocabSize), maxTokens }));
}

describe('SendnnRunner over the emulator', () => {
  for (const { chunk, seqs, lengths } of [
    { chunk: 64, seqs: 1, lengths: [5, 130] },
    { chunk: 128, seqs: 2, lengths: [10, 150, 63] },
    { chunk: 128, seqs: 3, lengths: [260, 64, 1, 95] },
  ]) {
    describe(`having chunk size ${chunk} and max_num_seqs ${seqs}`, () => {
      it('should produce the reference greedy tokens for every prompt', async () => {
        const rig = sendnnRig(tiny.dir, { maxModelLen: 512, maxNumSeqs: seqs, maxNumBatchedTokens: chunk });
        try {
          const prompts = cases(reference.shape.vocabSize, lengths, 9);
          const { outputs, errors } = await drive(rig, prompts);
          expect([...errors.values()]).toEqual([]);
          for (const c of prompts) expect(outputs.get(c.id), c.id).toEqual(referenceGreedy(reference, c.prompt, c.maxTokens));
        } finally {
          rig.session.close();
        }
      });
    });
  }

  describe('having prefix caching on and a second prompt that shares a long prefix', () => {
    it('should reuse the cached chunks and still produce the reference greedy tokens', async () => {
      const rig = sendnnRig(tiny.dir, { maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 64, enablePrefixCaching: true });
      try {
        const vocab = reference.shape.vocabSize;
        const shared = randomIds(77, 230, 3, vocab);
        const first = { id: 'first', prompt: shared, maxTokens: 5 };
        const second = { id: 'second', prompt: [...shared.slice(0, 200), ...randomIds(78, 40, 3, vocab)], maxTokens: 7 };
        const a = await drive(rig, [first]);
        const b = await drive(rig, [second]);
        expect(rig.core.stats().prefixCacheHitTokens).toBeGreaterThan(0);
        expect([...a.errors.values(), ...b.errors.values()]).toEqual([]);
        expect(a.outputs.get('first')).toEqual(referenceGreedy(reference, first.prompt, first.maxTokens));
        expect(b.outputs.get('second')).toEqual(referenceGreedy(reference, second.prompt, second.maxTokens));
      } finally {
        rig.session.close();
      }
    });
  });
});
