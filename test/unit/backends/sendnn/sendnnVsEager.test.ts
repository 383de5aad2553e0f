import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { asRequestId } from '../../../../src/core/contracts/ids.js';
import type { EngineCore } from '../../../../src/core/engine/engineCore.js';
import type { StepExecutor } from '../../../../src/core/contracts/backend.js';
import { buildTinyModel, eagerCoreRig, loadEagerModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { sendnnRig } from './sendnnRig.js';

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

type FirstLogits = Map<string, Float32Array>;

async function run(core: EngineCore, executor: StepExecutor, prompts: readonly (readonly number[])[], maxTokens: number): Promise<Map<string, readonly number[]>> {
  prompts.forEach((prompt, i) => core.addRequest({ requestId: asRequestId(`r${i}`), promptTokenIds: prompt, maxTokens, ignoreEos: true, sampling: { temperature: 0 } }));
  const outputs = new Map<string, readonly number[]>();
  while (core.hasUnfinishedRequests()) {
    const plan = core.beginStep();
    const report = core.finishStep(plan ? await executor.execute(plan) : { sampled: [] });
    for (const ended of report.ended) {
      expect(ended.error).toBeUndefined();
      outputs.set(ended.requestId, ended.outputTokenIds);
    }
  }
  return outputs;
}

describe('the sendnn backend against the eager backend', () => {
  for (const { chunk, seqs } of [{ chunk: 64, seqs: 2 }, { chunk: 128, seqs: 4 }, { chunk: 192, seqs: 3 }]) {
    describe(`having chunk size ${chunk} and max_num_seqs ${seqs}`, () => {
      it('should produce the same greedy tokens and nearly the same logits', async () => {
        const flags = { maxModelLen: 512, maxNumSeqs: seqs, maxNumBatchedTokens: chunk };
        const vocab = eagerModel.io.vocabSize;
        const prompts = [7, 70, 200, 129, 33].map((length, i) => randomIds(100 + i, length, 3, vocab));
        const eager = eagerCoreRig(eagerModel, flags);
        const eagerLogits: FirstLogits = new Map();
        eager.runner.logitsObserver = (id, logits) => { if (!eagerLogits.has(id)) eagerLogits.set(id, logits.slice()); };
        const sendnn = sendnnRig(tiny.dir, flags);
        const sendnnLogits: FirstLogits = new Map();
        sendnn.runner.logitsObserver = (id, logits) => { if (!sendnnLogits.has(id)) sendnnLogits.set(id, logits.slice()); };
        try {
          const expected = await run(eager.core, eager.runner, prompts, 10);
          const actual = await run(sendnn.core, sendnn.runner, prompts, 10);
          expect(actual).toEqual(expected);
          expect(new Set([...expected.values()].map((tokens) => tokens.join(','))).size).toBe(prompts.length);
          expect(eagerLogits.size).toBe(prompts.length);
          for (const [id, logits] of eagerLogits) {
            const other = sendnnLogits.get(id) as Float32Array;
            let maxDiff = 0;
            logits.forEach((value, i) => (maxDiff = Math.max(maxDiff, Math.abs(value - (other[i] as number)))));
            expect(maxDiff, id).toBeLessThan(1e-3);
          }
        } finally {
          sendnn.session.close();
        }
      });
    });
  }
});
