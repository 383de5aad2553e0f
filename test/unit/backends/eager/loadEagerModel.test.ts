import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeLlmEngine } from '../../../../src/app/createLlmEngine.js';
import { loadEagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { SILENT_LOGGER } from '../../../../src/core/contracts/logger.js';
import { buildTinyModel, type TinyModelDir } from '../../../support/tinyModel.js';

const FIXTURES = '/work/shared/fixtures/real-models';
let tiny: TinyModelDir;
let scratch: string;

beforeAll(() => {
  tiny = buildTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'spyre-loader-'));
});
afterAll(() => {
  tiny.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the tiny model with `edit` applied. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = join(scratch, name);
  cpSync(tiny.dir, dir, { recursive: true });
  edit(dir);
  return dir;
}

function editConfig(dir: string, change: Record<string, unknown>): void {
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...change }));
}

describe('loadEagerModel', () => {
  describe('having the legacy ORT GPT-2 export with stacked past_{i} tensors', () => {
    it('should refuse it, naming the layout and the expected one', async () => {
      await expect(loadEagerModel(join(FIXTURES, 'ortgenai-tiny-gpt2-legacy-past'))).rejects.toThrow(/legacy ORT GPT-2 KV layout \(stacked past_%d.*past_key_values\.\{i\}\.key/);
    });
  });

  describe('having an encoder', () => {
    it('should say that generation needs a decoder', async () => {
      await expect(loadEagerModel(join(FIXTURES, 'optimum-tiny-distilbert-classifier'))).rejects.toThrow(/distilbert is an encoder; text generation needs a decoder/);
    });
  });

  describe('having no onnx/model.onnx', () => {
    it('should name the missing file', async () => {
      const dir = variant('no-onnx', (d) => rmSync(join(d, 'onnx'), { recursive: true }));
      await expect(loadEagerModel(dir)).rejects.toThrow(/onnx\/model\.onnx: file not found/);
    });
  });

  describe('having an unsupported model_type', () => {
    it('should name the type and the supported ones', async () => {
      const dir = variant('mamba', (d) => editConfig(d, { model_type: 'mamba' }));
      await expect(loadEagerModel(dir)).rejects.toThrow(/model_type "mamba" is not supported/);
    });
  });

  describe('having a graph with fewer layers than the config', () => {
    it('should say which past inputs it expected and list what it found', async () => {
      const dir = variant('layers', (d) => editConfig(d, { num_hidden_layers: 3 }));
      await expect(loadEagerModel(dir)).rejects.toThrow(/expected past_key_values\.\{0\.\.2\}\.key\|value .*found inputs: input_ids \(int64/);
    });
  });

  describe('having a graph outside the decoder convention', () => {
    it('should list the inputs found and the ones expected', async () => {
      const dir = variant('not-decoder', (d) => copyFileSync(join(FIXTURES, 'optimum-tiny-distilbert-classifier', 'onnx', 'model.onnx'), join(d, 'onnx', 'model.onnx')));
      await expect(loadEagerModel(dir)).rejects.toThrow(/not a decoder in the Optimum convention: found inputs: input_ids \(int64 .*attention_mask .*; expected: input_ids, attention_mask, position_ids, past_key_values/);
    });
  });

  describe('having a tokenizer larger than the logits', () => {
    it('should refuse the tokenizer as not matching the model', async () => {
      const dir = variant('tokenizer', (d) => copyFileSync(join(FIXTURES, 'ortgenai-tiny-llama-fp16', 'tokenizer.json'), join(d, 'tokenizer.json')));
      const model = await loadEagerModel(dir);
      try {
        expect(() => composeLlmEngine(model, { flags: { model: dir }, env: {}, logger: SILENT_LOGGER })).toThrow(/the tokenizer has 32000 tokens but the model's logits cover \d+; the tokenizer does not match the model/);
      } finally {
        await model.session.release();
      }
    });
  });
});
