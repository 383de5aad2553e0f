import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPreset, PRESET_NAMES } from '../../../src/models/build/index.js';
import { planWeights } from '../../../src/models/build/weightPlan.js';
import { totalWeightBytes } from '../../../src/models/build/weightWriter.js';
import { countParameters, type DecoderShape } from '../../../src/models/llama/decoderShape.js';
import { ROPE_COS, ROPE_SIN } from '../../../src/models/llama/weightNames.js';
import { readFloatInitializers } from '../../../src/models/reference/index.js';
import { buildTempModel, type TempModel } from './tinyModelFixture.js';

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('having the tiny preset built with the default seed', () => {
  let model: TempModel;
  beforeAll(() => {
    model = buildTempModel();
  });
  afterAll(() => model.remove());

  it('should write the Hugging Face layout with inline weights', () => {
    for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      expect(existsSync(join(model.dir, file)), file).toBe(true);
    }
    expect(existsSync(join(model.dir, 'onnx/model.onnx.data'))).toBe(false);
    expect(model.built.weightsLayout).toBe('inline');
  });

  it('should write a llama config.json with the preset shape and the tokenizer vocabulary', () => {
    const config = readJson(join(model.dir, 'config.json'));
    expect(config).toMatchObject({
      model_type: 'llama', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 16,
      max_position_embeddings: 2048, torch_dtype: 'float32', bos_token_id: 1, eos_token_id: 2, tie_word_embeddings: false,
    });
    const tokenizer = readJson(join(model.dir, 'tokenizer.json')) as { model: { vocab: Record<string, number> }; added_tokens: unknown[] };
    expect(config['vocab_size']).toBe(Object.keys(tokenizer.model.vocab).length);
    expect(config['vocab_size']).toBe(512);
  });

  it('should store every planned weight with its shape, and count parameters as the initializers hold them', () => {
    const initializers = readFloatInitializers(join(model.dir, 'onnx/model.onnx'));
    const plan = planWeights(model.built.shape);
    let trained = 0;
    for (const weight of plan) {
      const tensor = initializers.get(weight.name);
      expect(tensor?.dims, weight.name).toEqual(weight.dims);
      if (weight.name !== ROPE_COS && weight.name !== ROPE_SIN) trained += tensor?.data.length ?? 0;
    }
    expect(model.built.parameterCount).toBe(trained);
  });

  it('should have rotary tables holding cos and sin of position times inverse frequency', () => {
    const initializers = readFloatInitializers(join(model.dir, 'onnx/model.onnx'));
    const cos = initializers.get(ROPE_COS)?.data as Float32Array;
    const sin = initializers.get(ROPE_SIN)?.data as Float32Array;
    const position = 37;
    const i = 3; // frequency index, headDim 16 → 8 frequencies per row
    const angle = position * Math.pow(10000, (-2 * i) / 16);
    expect(cos[position * 8 + i]).toBeCloseTo(Math.cos(angle), 6);
    expect(sin[position * 8 + i]).toBeCloseTo(Math.sin(angle), 6);
  });

  it('when built again with the same seed, should write byte-identical files', () => {
    const again = buildTempModel();
    try {
      for (const file of ['onnx/model.onnx', 'tokenizer.json', 'config.json']) {
        expect(readFileSync(join(again.dir, file)).equals(readFileSync(join(model.dir, file))), file).toBe(true);
      }
    } finally {
      again.remove();
    }
  });

  it('when built with another seed, should write different weights', () => {
    const other = buildTempModel({ seed: 7 });
    try {
      expect(readFileSync(join(other.dir, 'onnx/model.onnx')).equals(readFileSync(join(model.dir, 'onnx/model.onnx')))).toBe(false);
    } finally {
      other.remove();
    }
  });
});

describe('having the build progress listener', () => {
  it('should report the stages in order and finish each one', () => {
    const reports: Array<{ stage: string; done: number; total: number }> = [];
    const model = buildTempModel({ onProgress: (progress) => reports.push(progress) });
    model.remove();
    const stages = [...new Set(reports.map((r) => r.stage))];
    expect(stages).toEqual(['tokenizer', 'weights', 'graph']);
    for (const stage of stages) {
      const last = reports.filter((r) => r.stage === stage).at(-1);
      expect(last?.done).toBe(last?.total);
    }
    const weightReports = reports.filter((r) => r.stage === 'weights').map((r) => r.done);
    expect(weightReports).toEqual([...weightReports].sort((a, b) => a - b));
  });
});

describe('having the presets', () => {
  it('should list tiny and small-100m', () => {
    expect(PRESET_NAMES).toEqual(['tiny', 'tiny-granite', 'small-100m']);
  });

  it('should put small-100m at about 100M parameters, over 100 MB so with external data', () => {
    const preset = getPreset('small-100m');
    const shape: DecoderShape = { ...preset, vocabSize: 8192 };
    const parameters = countParameters(shape);
    expect(parameters).toBeGreaterThan(90e6);
    expect(parameters).toBeLessThan(125e6);
    expect(preset.numAttentionHeads % preset.numKeyValueHeads).toBe(0);
    expect(totalWeightBytes(planWeights(shape))).toBeGreaterThan(100e6);
  });
});
