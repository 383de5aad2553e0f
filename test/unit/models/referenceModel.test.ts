import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmax, loadReferenceModel, referenceGreedy, referenceLogits, type ReferenceModel } from '../../../src/models/reference/index.js';
import { buildTempModel, maxAbsDiff, randomIds, type TempModel } from './tinyModelFixture.js';

describe('having the reference forward pass over the tiny preset', () => {
  let model: TempModel;
  let reference: ReferenceModel;
  beforeAll(() => {
    model = buildTempModel();
    reference = loadReferenceModel(model.dir);
  });
  afterAll(() => model.remove());

  it('should give one vocabulary-sized logits vector per position', () => {
    const logits = referenceLogits(reference, [1, 2, 3]);
    expect(logits).toHaveLength(3);
    expect(logits.every((row) => row.length === 512 && row.every(Number.isFinite))).toBe(true);
  });

  it('should be causal: logits at a position do not depend on later tokens', () => {
    const prefix = randomIds(3, 6, 512);
    const a = referenceLogits(reference, [...prefix, 10, 11]);
    const b = referenceLogits(reference, [...prefix, 400, 401]);
    expect(maxAbsDiff(a[5] as Float32Array, b[5] as Float32Array)).toBe(0);
    expect(maxAbsDiff(a[6] as Float32Array, b[6] as Float32Array)).toBeGreaterThan(1e-3);
  });

  it('should let earlier tokens influence later logits (attention is not a no-op)', () => {
    const a = referenceLogits(reference, [20, 30, 40]);
    const b = referenceLogits(reference, [21, 30, 40]);
    expect(maxAbsDiff(a[2] as Float32Array, b[2] as Float32Array)).toBeGreaterThan(1e-3);
  });

  it('when decoding greedily, should follow the argmax of the logits of the growing sequence', () => {
    const prompt = [1, 70, 80];
    const generated = referenceGreedy(reference, prompt, 5);
    const logits = referenceLogits(reference, [...prompt, ...generated.slice(0, -1)]);
    const argmaxes = logits.slice(prompt.length - 1).map(argmax);
    expect(generated).toEqual(argmaxes);
  });

  it('when decoding greedily for 32 tokens, should not repeat one token forever', () => {
    for (const prompt of [[1, 50, 60], [1, 400], randomIds(9, 10, 512)]) {
      const generated = referenceGreedy(reference, prompt, 32);
      expect(new Set(generated).size, `prompt ${prompt.join(',')}`).toBeGreaterThanOrEqual(4);
    }
  });

  it('should accept a model directory path as well as a loaded model', () => {
    expect(referenceGreedy(model.dir, [1, 5], 3)).toEqual(referenceGreedy(reference, [1, 5], 3));
  });

  it('when given a token id outside the vocabulary, should throw naming it', () => {
    expect(() => referenceLogits(reference, [512])).toThrow(/token id 512 outside vocabulary of 512/);
  });
});

describe('having the tiny shape with tied embeddings and external weights', () => {
  let model: TempModel;
  let reference: ReferenceModel;
  beforeAll(() => {
    // The lm_head path small-100m takes (logits from the embedding matrix), at a size a unit test can run.
    model = buildTempModel({ weightsLayout: 'external', presetOverrides: { tieWordEmbeddings: true } });
    reference = loadReferenceModel(model.dir);
  });
  afterAll(() => model.remove());

  it('should read the weights from the external data file and have no separate lm_head', () => {
    expect(reference.shape.tieWordEmbeddings).toBe(true);
    expect(reference.weights.has('lm_head.MatMul.weight')).toBe(false);
    expect(reference.weights.get('model.layers.0.mlp.up_proj.MatMul.weight')?.data.some((v) => v !== 0)).toBe(true);
  });

  it('when decoding greedily, should not repeat one token forever', () => {
    expect(new Set(referenceGreedy(reference, [1, 50, 60], 32)).size).toBeGreaterThanOrEqual(4);
  });
});
