import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEagerModel, type EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { float16ToFloat32 } from '../../../../src/backends/eager/float16.js';
import { argmax } from '../../../../src/core/engine/sampling/logitsProcessors.js';
import { eagerCoreRig, randomIds } from '../../../support/tinyModel.js';
import { runUntilDone } from './runUntilDone.js';

const FIXTURE = '/work/shared/fixtures/real-models/ortgenai-tiny-llama-fp16';
let model: EagerModel;

beforeAll(async () => {
  model = await loadEagerModel(FIXTURE, { intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model.session.release();
});

/** Greedy by full recomputation: the whole sequence each step, no past, no paging. */
async function recomputedGreedy(prompt: readonly number[], maxTokens: number): Promise<number[]> {
  const sequence = [...prompt];
  const produced: number[] = [];
  const emptyPast = new ort.Tensor('float16', new Uint16Array(0), [1, 1, 0, 16]);
  while (produced.length < maxTokens) {
    const n = sequence.length;
    const ints = (values: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, n]);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: ints(sequence),
      attention_mask: ints(sequence.map(() => 1)),
      position_ids: ints(sequence.map((_, i) => i)),
    };
    for (let layer = 0; layer < 2; layer++) {
      feeds[`past_key_values.${layer}.key`] = emptyPast;
      feeds[`past_key_values.${layer}.value`] = emptyPast;
    }
    const logits = (await model.session.run(feeds)).logits as ort.Tensor;
    const vocab = 32000;
    const row = new Float32Array(vocab);
    float16ToFloat32((logits.data as Uint16Array).subarray((n - 1) * vocab, n * vocab), row);
    const token = argmax(row);
    produced.push(token);
    sequence.push(token);
  }
  return produced;
}

describe('the onnxruntime-genai float16 Llama fixture', () => {
  describe('when it is loaded', () => {
    it('should report float16 KV and logits and the genai_config dims', () => {
      expect(model.io).toMatchObject({ kvDtype: 'float16', logitsDtype: 'float16', numLayers: 2, numKvHeads: 1, headDim: 16, vocabSize: 32000 });
    });
  });

  describe('when it generates greedily through the paged KV cache', () => {
    it('should produce the tokens the fixture README lists for "Hello, my dog is cute"', async () => {
      const rig = eagerCoreRig(model, { maxModelLen: 512, maxNumSeqs: 2, maxNumBatchedTokens: 64 });
      const prompt = [1, 15043, 29892, 590, 11203, 338, 274, 1082];
      const outcome = await runUntilDone(rig, [{ id: 'dog', atStep: 0, prompt, maxTokens: 10 }]);
      expect(outcome.outputs.get('dog')).toEqual([18975, 25904, 23135, 30215, 1404, 5661, 18625, 22880, 902, 8061]);
    });

    it('should equal full recomputation for concurrent multi-chunk prompts', async () => {
      const rig = eagerCoreRig(model, { maxModelLen: 512, maxNumSeqs: 3, maxNumBatchedTokens: 64 });
      const prompts = [150, 70, 9].map((length, i) => randomIds(50 + i, length, 3, 32000));
      const outcome = await runUntilDone(rig, prompts.map((prompt, i) => ({ id: `p${i}`, atStep: i * 2, prompt, maxTokens: 6 })));
      for (const [i, prompt] of prompts.entries()) expect(outcome.outputs.get(`p${i}`), `p${i}`).toEqual(await recomputedGreedy(prompt, 6));
    });
  });
});
