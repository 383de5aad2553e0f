import { REAL_MODEL_FIXTURES } from '../../support/sharedPaths.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelDirError, readModelDir, requireTokenizer, type ModelDirErrorKind } from '../../../src/models/dir/index.js';
import { buildTempModel, type TempModel } from './tinyModelFixture.js';

const FIXTURES = REAL_MODEL_FIXTURES;

function expectModelDirError(action: () => unknown, kind: ModelDirErrorKind, file: string, detail: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ModelDirError);
  const error = caught as ModelDirError;
  expect(error.kind).toBe(kind);
  expect(error.file).toBe(file);
  expect(error.message.startsWith(`${file}: `)).toBe(true);
  expect(error.message).toMatch(detail);
}

describe('having a built tiny model directory', () => {
  let model: TempModel;
  beforeAll(() => {
    model = buildTempModel();
  });
  afterAll(() => model.remove());

  it('should describe a llama decoder with the Optimum I/O names and its special tokens', () => {
    const info = readModelDir(model.dir);
    expect(info).toMatchObject({
      configSource: 'config.json',
      modelType: 'llama',
      kind: 'decoder',
      dims: { hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, headDim: 16, vocabSize: 512, maxPositionEmbeddings: 2048 },
      onnxModelPath: join(model.dir, 'onnx/model.onnx'),
      onnxExternalDataPath: undefined,
      specialTokens: { bosTokenId: 1, eosTokenIds: [2], padTokenId: 0 },
      tokenizer: { tokenizerJsonPath: join(model.dir, 'tokenizer.json'), tokenizerConfigPath: join(model.dir, 'tokenizer_config.json') },
    });
    expect(info.decoderIo?.kvCache).toEqual({
      layout: 'separate',
      pastKey: 'past_key_values.%d.key',
      pastValue: 'past_key_values.%d.value',
      presentKey: 'present.%d.key',
      presentValue: 'present.%d.value',
    });
  });
});

describe('having the real exported fixtures', () => {
  it('should read the genai-only llama directory from genai_config.json, with its external data', () => {
    const info = readModelDir(join(FIXTURES, 'ortgenai-tiny-llama-fp16'));
    expect(info.configSource).toBe('genai_config.json');
    expect(info.dims).toEqual({ hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 1, numKeyValueHeads: 1, headDim: 16, vocabSize: 32000, maxPositionEmbeddings: 2048 });
    expect(info.onnxExternalDataPath).toBe(join(FIXTURES, 'ortgenai-tiny-llama-fp16/onnx/model.onnx.data'));
    expect(info.specialTokens).toEqual({ bosTokenId: 0, eosTokenIds: [1], padTokenId: 2 });
  });

  it('should read the legacy GPT-2 directory, whose config.json has no model_type, with stacked past names', () => {
    const info = readModelDir(join(FIXTURES, 'ortgenai-tiny-gpt2-legacy-past'));
    expect(info.modelType).toBe('gpt2');
    expect(info.configSource).toBe('genai_config.json');
    expect(info.decoderIo?.kvCache).toEqual({ layout: 'stacked', past: 'past_%d', present: 'present_%d' });
    expect(info.onnxModelPath).toBe(join(FIXTURES, 'ortgenai-tiny-gpt2-legacy-past/onnx/model.onnx'));
  });

  it('should read the DistilBERT classifier as an encoder without a tokenizer', () => {
    const info = readModelDir(join(FIXTURES, 'optimum-tiny-distilbert-classifier'));
    expect(info).toMatchObject({ kind: 'encoder', modelType: 'distilbert', decoderIo: undefined, tokenizer: undefined });
    expect(info.dims.hiddenSize).toBe(2);
    expectModelDirError(() => requireTokenizer(info), 'missing-file', join(info.dir, 'tokenizer.json'), /needs its tokenizer/);
  });
});

describe('having a broken model directory', () => {
  let root: string;
  let dir: string;
  let source: TempModel;
  beforeAll(() => {
    source = buildTempModel();
  });
  afterAll(() => source.remove());
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'spyre-broken-'));
    dir = join(root, 'model');
    cpSync(source.dir, dir, { recursive: true });
    return () => rmSync(root, { recursive: true, force: true });
  });
  const editConfig = (file: string, edit: (config: Record<string, unknown>) => void): void => {
    const config = JSON.parse(readFileSync(join(source.dir, file), 'utf8')) as Record<string, unknown>;
    edit(config);
    writeFileSync(join(dir, file), JSON.stringify(config));
  };

  it('when the directory does not exist, should say so naming it', () => {
    expectModelDirError(() => readModelDir(join(root, 'nope')), 'missing-file', join(root, 'nope'), /model directory not found/);
  });

  it('when config.json is missing (and no genai_config.json), should name config.json', () => {
    unlinkSync(join(dir, 'config.json'));
    expectModelDirError(() => readModelDir(dir), 'missing-file', join(dir, 'config.json'), /not found/);
  });

  it('when config.json is not JSON, should name config.json', () => {
    writeFileSync(join(dir, 'config.json'), '{"model_type": "llama",');
    expectModelDirError(() => readModelDir(dir), 'invalid-json', join(dir, 'config.json'), /not valid JSON/);
  });

  it('when model_type is not supported, should name config.json, the type and the supported ones', () => {
    editConfig('config.json', (config) => {
      config['model_type'] = 't5';
    });
    expectModelDirError(() => readModelDir(dir), 'unsupported-model-type', join(dir, 'config.json'), /model_type "t5" is not supported \(supported: llama, /);
  });

  it('when a dimension is missing, should name config.json and the field', () => {
    editConfig('config.json', (config) => {
      delete config['num_hidden_layers'];
    });
    expectModelDirError(() => readModelDir(dir), 'invalid-config', join(dir, 'config.json'), /field "num_hidden_layers" must be a positive integer, found nothing/);
  });

  it('when generation_config.json is not JSON, should name it', () => {
    writeFileSync(join(dir, 'generation_config.json'), 'not json');
    expectModelDirError(() => readModelDir(dir), 'invalid-json', join(dir, 'generation_config.json'), /not valid JSON/);
  });

  it('when generation_config.json is absent, should still read the directory (it is optional)', () => {
    unlinkSync(join(dir, 'generation_config.json'));
    expect(readModelDir(dir).specialTokens.eosTokenIds).toEqual([2]);
  });

  it('when tokenizer_config.json is not a JSON object, should name it', () => {
    writeFileSync(join(dir, 'tokenizer_config.json'), '[1, 2]');
    expectModelDirError(() => readModelDir(dir), 'invalid-json', join(dir, 'tokenizer_config.json'), /JSON object/);
  });

  it('when the ONNX graph is missing, should name onnx/model.onnx', () => {
    unlinkSync(join(dir, 'onnx/model.onnx'));
    expectModelDirError(() => readModelDir(dir), 'missing-file', join(dir, 'onnx/model.onnx'), /not found \(also looked for .*model\.onnx\)/);
  });

  it('when only genai_config.json lacks its decoder block, should name genai_config.json', () => {
    unlinkSync(join(dir, 'config.json'));
    writeFileSync(join(dir, 'genai_config.json'), JSON.stringify({ model: { type: 'llama' } }));
    expectModelDirError(() => readModelDir(dir), 'invalid-config', join(dir, 'genai_config.json'), /"decoder" object/);
  });
});
