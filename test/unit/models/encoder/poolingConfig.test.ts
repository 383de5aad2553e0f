import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPoolingConfig } from '../../../../src/models/dir/poolingConfig.js';

describe('having a pooling model directory', () => {
  let dir: string;
  const write = (file: string, value: unknown): void => {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(value));
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spyre-pooling-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when it has no sentence-transformers files, should pool CLS, normalise and score with sigmoid', () => {
    write('config.json', { model_type: 'bert', id2label: { 1: 'POSITIVE', 0: 'NEGATIVE' }, intermediate_size: 37 });
    expect(readPoolingConfig(dir)).toEqual({
      pooling: 'cls', normalize: true, poolingSource: 'default', labels: ['NEGATIVE', 'POSITIVE'], scoreActivation: 'sigmoid', intermediateSize: 37,
    });
  });

  it('when modules.json names a mean Pooling module without Normalize, should pool mean and not normalise', () => {
    write('config.json', { model_type: 'bert', num_labels: 3 });
    write('modules.json', [{ idx: 0, path: '', type: 'sentence_transformers.models.Transformer' }, { idx: 1, path: 'pool', type: 'sentence_transformers.models.Pooling' }]);
    write('pool/config.json', { pooling_mode_mean_tokens: true });
    expect(readPoolingConfig(dir)).toMatchObject({ pooling: 'mean', normalize: false, poolingSource: join(dir, 'pool/config.json'), labels: ['LABEL_0', 'LABEL_1', 'LABEL_2'] });
  });

  it('when the cross-encoder activation is Identity, should score with the raw logit; DistilBERT\'s hidden_dim is the FFN width', () => {
    write('config.json', { model_type: 'distilbert', hidden_dim: 99, sentence_transformers: { activation_fn: 'torch.nn.modules.linear.Identity' } });
    expect(readPoolingConfig(dir)).toMatchObject({ scoreActivation: 'identity', intermediateSize: 99 });
  });

  it('when the Pooling module enables no supported mode, should fail naming its config file', () => {
    write('config.json', { model_type: 'bert' });
    write('modules.json', [{ idx: 1, path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }]);
    write('1_Pooling/config.json', { pooling_mode_max_tokens: true });
    expect(() => readPoolingConfig(dir)).toThrow(`${join(dir, '1_Pooling/config.json')}: no supported pooling mode is true`);
  });
});
