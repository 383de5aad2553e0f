// The decoder importer: weights found by data flow (the same tensors as the project's names say, even when the
// names lie), and refusals that name the operator, field or structure the sendnn programs do not compute.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importDecoder } from '../../../../src/backends/sendnn/import/importDecoder.js';
import { layerWeightNames } from '../../../../src/models/llama/weightNames.js';
import { readFloatInitializers } from '../../../../src/models/reference/index.js';
import { namedPackOrder } from '../../../support/namedPackOrder.js';
import { setConfigField, swapFirstOperator, swapInitializerNames } from '../../../support/onnxRewrite.js';
import { buildTinyModel, type TinyModelDir } from '../../../support/tinyModel.js';

let tiny: TinyModelDir | undefined;
afterEach(() => tiny?.remove());
const onnxOf = (dir: string): string => join(dir, 'onnx', 'model.onnx');

describe('importDecoder', () => {
  describe('having a model this project built', () => {
    it('should trace exactly the tensors its names say, in the ABI order', () => {
      tiny = buildTinyModel(3);
      const imported = importDecoder(tiny.dir);
      expect(imported.tensors.map((t) => t.name)).toEqual(namedPackOrder(2, false));
      expect(imported.desc).toMatchObject({ family: 'llama', hiddenSize: 64, intermediateSize: 176, numHeads: 4, numKvHeads: 2, headDim: 16, ropeTheta: 10000, tieWordEmbeddings: false });
      expect(imported.desc.rmsNormEps).toBeCloseTo(1e-5, 10);
    });
  });

  describe('when the names lie (q and k, gate and up of layer 1 swapped)', () => {
    it('should pack the same weights as before, found by where each projection\'s output goes', () => {
      tiny = buildTinyModel(4);
      const before = readFloatInitializers(onnxOf(tiny.dir));
      const honest = importDecoder(tiny.dir);
      const p = layerWeightNames(1).projection;
      swapInitializerNames(onnxOf(tiny.dir), p.q_proj, p.k_proj);
      swapInitializerNames(onnxOf(tiny.dir), p.gate_proj, p.up_proj);
      const traced = importDecoder(tiny.dir);
      expect(Buffer.from(traced.weights.buffer).equals(Buffer.from(honest.weights.buffer))).toBe(true);
      const names = traced.tensors.map((t) => t.name);
      expect(names[1 + 9 + 1]).toBe(p.k_proj); // layer 1's q is now stored under k_proj's name
      expect(names[1 + 9 + 6]).toBe(p.up_proj);
      expect(traced.tensors[1 + 9 + 1]?.data).toEqual(before.get(p.q_proj)?.data);
    });
  });

  describe('when the model holds what the programs do not compute', () => {
    it('should name an unsupported operator', () => {
      tiny = buildTinyModel(5);
      const node = swapFirstOperator(onnxOf(tiny.dir), 'Softmax', 'LogSoftmax');
      expect(() => importDecoder(tiny?.dir as string)).toThrow(`operator LogSoftmax (node ${node}) is not part of a Llama decoder the sendnn programs compute`);
    });

    it('should name rope_scaling, a Granite multiplier and a sliding window', () => {
      tiny = buildTinyModel(6);
      const dir = tiny.dir;
      setConfigField(dir, 'rope_scaling', { type: 'linear', factor: 2 });
      expect(() => importDecoder(dir)).toThrow('field "rope_scaling" ({"type":"linear","factor":2}) is not supported');
      setConfigField(dir, 'rope_scaling', null);
      setConfigField(dir, 'residual_multiplier', 0.22);
      expect(() => importDecoder(dir)).toThrow('field "residual_multiplier" = 0.22 is not supported for model_type "llama" (only 1; model_type granite reads it)');
      setConfigField(dir, 'residual_multiplier', 1);
      setConfigField(dir, 'sliding_window', 128);
      expect(() => importDecoder(dir)).toThrow('field "sliding_window" = 128 is not supported');
    });

    it('when the model is a Granite, should pass its four multipliers from config.json', () => {
      tiny = buildTinyModel(8, true, {}, 'tiny-granite');
      expect(importDecoder(tiny.dir).desc.granite).toEqual({ embeddingMultiplier: 12, residualMultiplier: 0.22, attentionMultiplier: 0.03125, logitsScaling: 8 });
    });

    it("when a Granite's config.json and graph disagree on a multiplier, should refuse naming both values", () => {
      tiny = buildTinyModel(8, true, {}, 'tiny-granite');
      const dir = tiny.dir;
      setConfigField(dir, 'logits_scaling', 4);
      expect(() => importDecoder(dir)).toThrow(`the graph's logits_scaling (the Div that writes the logits) is 8, but ${dir}/config.json says 4`);
      setConfigField(dir, 'logits_scaling', 8);
      setConfigField(dir, 'residual_multiplier', 0.5);
      expect(() => importDecoder(dir)).toThrow(/the graph's residual_multiplier \(a Mul on an attention or MLP output before the residual Add\) is 0\.2199\d+, but .*config\.json says 0\.5/);
      setConfigField(dir, 'residual_multiplier', 0.22);
      setConfigField(dir, 'attention_multiplier', 0.25);
      expect(() => importDecoder(dir)).toThrow(`the graph's attention scale (the scalars on q, k and the scores, or the attention operators' scale attribute) is 0.03125, but ${dir}/config.json says 0.25`);
      setConfigField(dir, 'attention_multiplier', 0.03125);
      setConfigField(dir, 'embedding_multiplier', null);
      expect(() => importDecoder(dir)).toThrow(`the graph's embedding_multiplier (the Mul after the embedding Gather) is 12, but ${dir}/config.json says 1`);
    });

    it('should name a model type outside the mapped families, and an encoder', () => {
      tiny = buildTinyModel(7);
      setConfigField(tiny.dir, 'model_type', 'qwen3');
      expect(() => importDecoder(tiny?.dir as string)).toThrow('model_type qwen3 is not mapped');
      expect(() => importDecoder('/work/shared/fixtures/real-models/optimum-tiny-distilbert-classifier')).toThrow('model_type distilbert is an encoder, not a decoder');
    });
  });
});
