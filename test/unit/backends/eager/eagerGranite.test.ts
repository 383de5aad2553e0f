// The tiny-granite preset: its graph carries Granite's four multipliers, so the eager backend (plain onnxruntime)
// must match the reference forward, which applies them from config.json; and each multiplier matters: a reference
// without any one of them is far from what the graph computes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import type { GraniteMultipliers } from '../../../../src/models/llama/graniteMultipliers.js';
import { loadReferenceModel, referenceGreedy, referenceLogits, type ReferenceModel } from '../../../../src/models/reference/index.js';
import { buildTinyModel, eagerCoreRig, loadEagerModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { maxDifference, runObserved } from '../sendnn/sendnnRig.js';

const FLAGS = { maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64 };
const NEW_TOKENS = 8;

let tiny: TinyModelDir;
let eagerModel: EagerModel;
let reference: ReferenceModel;
let prompts: number[][];
let eagerRun: Awaited<ReturnType<typeof runObserved>>;

beforeAll(async () => {
  tiny = buildTinyModel(2, true, {}, 'tiny-granite');
  eagerModel = await loadEagerModel(tiny.dir, { intraOpNumThreads: 1 });
  reference = loadReferenceModel(tiny.dir);
  prompts = [6, 40, 90].map((length, i) => randomIds(60 + i, length, 3, eagerModel.io.vocabSize));
  const eager = eagerCoreRig(eagerModel, FLAGS);
  eagerRun = await runObserved(eager.core, eager.runner, prompts, NEW_TOKENS, () => ({ temperature: 0 }));
});
afterAll(async () => {
  await eagerModel.session.release();
  tiny.remove();
});

const withoutOne = (field: keyof GraniteMultipliers): ReferenceModel => {
  const granite = reference.shape.granite as GraniteMultipliers;
  // Each one's identity: 1, except the attention scale, whose Llama value is 1/sqrt(head_dim).
  const identity = field === 'attentionMultiplier' ? 1 / Math.sqrt(reference.shape.headDim) : 1;
  return { ...reference, shape: { ...reference.shape, granite: { ...granite, [field]: identity } } };
};

describe('having the tiny-granite preset', () => {
  it('should write config.json as a GraniteForCausalLM with the four fields', () => {
    const config = JSON.parse(readFileSync(join(tiny.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ model_type: 'granite', architectures: ['GraniteForCausalLM'], embedding_multiplier: 12, residual_multiplier: 0.22, attention_multiplier: 0.03125, logits_scaling: 8 });
    expect(reference.shape.granite).toEqual({ embeddingMultiplier: 12, residualMultiplier: 0.22, attentionMultiplier: 0.03125, logitsScaling: 8 });
  });

  it("should give the reference's greedy tokens on the eager backend, with first-token logits within 1e-4", () => {
    prompts.forEach((prompt, i) => {
      expect(eagerRun.tokens.get(`r${i}`), `prompt ${i}`).toEqual(referenceGreedy(reference, prompt, NEW_TOKENS));
      const expected = referenceLogits(reference, prompt).at(-1) as Float32Array;
      expect(maxDifference(expected, eagerRun.firstLogits.get(`r${i}`) as Float32Array), `prompt ${i}`).toBeLessThan(1e-4);
    });
  });

  for (const field of ['embeddingMultiplier', 'residualMultiplier', 'attentionMultiplier', 'logitsScaling'] as const) {
    it(`should be far from the eager logits when the reference drops ${field}`, () => {
      const dropped = withoutOne(field);
      const worst = Math.max(...prompts.map((prompt, i) => maxDifference(referenceLogits(dropped, prompt).at(-1) as Float32Array, eagerRun.firstLogits.get(`r${i}`) as Float32Array)));
      expect(worst).toBeGreaterThan(1e-2);
    });
  }
});
