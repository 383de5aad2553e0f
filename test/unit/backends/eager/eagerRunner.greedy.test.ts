import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { asRequestId } from '../../../../src/core/contracts/ids.js';
import { loadReferenceModel, referenceGreedy, type ReferenceModel } from '../../../../src/models/reference/index.js';
import { buildTinyModel, eagerCoreRig, loadEagerModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';

let tiny: TinyModelDir;
let model: EagerModel;
let reference: ReferenceModel;

beforeAll(async () => {
  tiny = buildTinyModel();
  model = await loadEagerModel(tiny.dir);
  reference = loadReferenceModel(tiny.dir);
});
afterAll(async () => {
  await model.session.release();
  tiny.remove();
});

describe('EagerRunner', () => {
  describe('having one request', () => {
    it('should produce the reference greedy tokens', async () => {
      const { core, runner } = eagerCoreRig(model, { maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 128 });
      const prompt = randomIds(1, 150, 3, model.io.vocabSize);
      core.addRequest({ requestId: asRequestId('a'), promptTokenIds: prompt, maxTokens: 12, ignoreEos: true, sampling: { temperature: 0 } });
      const outputs = new Map<string, readonly number[]>();
      while (core.hasUnfinishedRequests()) {
        const plan = core.beginStep();
        const report = core.finishStep(plan ? await runner.execute(plan) : { sampled: [] });
        for (const ended of report.ended) outputs.set(ended.requestId, ended.outputTokenIds);
      }
      expect(outputs.get('a')).toEqual(referenceGreedy(reference, prompt, 12));
    });
  });
});
