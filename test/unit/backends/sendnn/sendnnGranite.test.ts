// Granite on sendnn (ABI 5): the tiny-granite preset's greedy tokens equal eager's on 1 and 2 cards, first-token
// logits within 1e-4 (the residual and embedding multipliers act after the all-reduce, so the split must not change
// them), the importer passes the four multipliers in the description instead of refusing them, and the library
// refuses multipliers it cannot mean (negative ones, any on a GPT-2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { SendnnLibrary } from '../../../../src/backends/sendnn/ffi/sendnnLibrary.js';
import { importDecoder } from '../../../../src/backends/sendnn/import/importDecoder.js';
import { resolveSendnnLibraryPath } from '../../../../src/backends/sendnn/nativeLibraryPath.js';
import type { SamplingParams } from '../../../../src/core/contracts/requests.js';
import { buildTinyModel, eagerCoreRig, loadEagerModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { maxDifference, runObserved, sendnnRig, type ObservedRun } from './sendnnRig.js';

const FLAGS = { maxModelLen: 512, maxNumSeqs: 3, maxNumBatchedTokens: 128 };
const GREEDY = (): SamplingParams => ({ temperature: 0 });

describe('having the tiny-granite preset on sendnn', () => {
  let tiny: TinyModelDir;
  let eagerModel: EagerModel;
  let prompts: number[][];
  let expected: ObservedRun;
  beforeAll(async () => {
    tiny = buildTinyModel(4, true, {}, 'tiny-granite');
    eagerModel = await loadEagerModel(tiny.dir);
    prompts = [5, 70, 200, 130].map((length, i) => randomIds(20 + i, length, 3, eagerModel.io.vocabSize));
    const eager = eagerCoreRig(eagerModel, FLAGS);
    expected = await runObserved(eager.core, eager.runner, prompts, 12, GREEDY);
  });
  afterAll(async () => {
    await eagerModel.session.release();
    tiny.remove();
  });

  for (const cards of [1, 2]) {
    it(`should give eager's greedy tokens on ${cards} card${cards > 1 ? 's' : ''}, with first-token logits within 1e-4 of eager`, async () => {
      expect(new Set([...expected.tokens.values()].map((t) => t.join(','))).size).toBe(prompts.length);
      const rig = sendnnRig(tiny.dir, { ...FLAGS, tensorParallelSize: cards });
      try {
        expect(rig.session.model.desc.granite).toEqual({ embeddingMultiplier: 12, residualMultiplier: 0.22, attentionMultiplier: 0.03125, logitsScaling: 8 });
        const actual = await runObserved(rig.core, rig.runner, prompts, 12, GREEDY);
        expect(actual.tokens).toEqual(expected.tokens);
        for (const [id, logits] of expected.firstLogits) expect(maxDifference(logits, actual.firstLogits.get(id) as Float32Array), id).toBeLessThan(1e-4);
      } finally {
        rig.session.close();
      }
    });
  }

  it('should have the library refuse a negative multiplier, and any multiplier on a GPT-2, naming them', () => {
    const library = SendnnLibrary.open(resolveSendnnLibraryPath(undefined));
    const desc = importDecoder(tiny.dir).desc;
    const granite = desc.granite as NonNullable<typeof desc.granite>;
    const device = library.openDevice(1, 1e9);
    try {
      expect(() => library.allocWeights(device, { ...desc, granite: { ...granite, residualMultiplier: -1 } })).toThrow(
        'invalid Granite multipliers (family 0: embedding 12, residual -1, attention 0.03125, logits scaling 8; each must be 0 or a positive finite number, and 0 for GPT-2)',
      );
      expect(() => library.allocWeights(device, { ...desc, family: 'gpt2', maxPositions: 64, numKvHeads: desc.numHeads })).toThrow('invalid Granite multipliers (family 1');
    } finally {
      library.closeDevice(device);
    }
  });
});
