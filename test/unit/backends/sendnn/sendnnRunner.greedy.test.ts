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
});
