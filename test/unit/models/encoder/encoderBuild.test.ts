import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelDir } from '../../../../src/models/dir/index.js';
import { readPoolingConfig } from '../../../../src/models/dir/poolingConfig.js';
import {
  loadEncoderReference, referenceClassifierLogits, referenceHiddenStates, type EncoderReferenceModel,
} from '../../../../src/models/reference/encoder/index.js';
import { buildTempEncoder, type TempEncoder } from '../../../support/tinyEncoder.js';
import { maxAbsDiff, randomIds } from '../tinyModelFixture.js';

const int64 = (rows: readonly (readonly number[])[]): ort.Tensor =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [rows.length, rows[0]!.length]);

/** Left-pads each row to `length` with id 0 and mask 0. */
function leftPadded(rows: readonly (readonly number[])[], length: number, fill = 0): number[][] {
  return rows.map((row) => [...Array<number>(length - row.length).fill(fill), ...row]);
}

async function runEncoder(session: ort.InferenceSession, rows: readonly (readonly number[])[], length: number, types?: readonly (readonly number[])[]): Promise<ort.Tensor> {
  const masks = leftPadded(rows.map((row) => row.map(() => 1)), length);
  const out = await session.run({
    input_ids: int64(leftPadded(rows, length)),
    attention_mask: int64(masks),
    token_type_ids: int64(leftPadded(types ?? rows.map((row) => row.map(() => 0)), length)),
  });
  return out[session.outputNames[0]!]!;
}

describe('having the tiny-embed preset built', () => {
  let model: TempEncoder;
  let session: ort.InferenceSession;
  let reference: EncoderReferenceModel;
  beforeAll(async () => {
    model = buildTempEncoder('tiny-embed');
    session = await ort.InferenceSession.create(join(model.dir, 'onnx/model.onnx'));
    reference = loadEncoderReference(model.dir);
  });
  afterAll(async () => {
    await session.release();
    model.remove();
  });

  it('should write the Hugging Face layout with sentence-transformers pooling (mean, normalised)', () => {
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'modules.json', '1_Pooling/config.json', 'onnx/model.onnx']) {
      expect(existsSync(join(model.dir, file)), file).toBe(true);
    }
    const info = readModelDir(model.dir);
    expect(info.kind).toBe('encoder');
    expect(info.modelType).toBe('bert');
    expect(readPoolingConfig(model.dir)).toMatchObject({ pooling: 'mean', normalize: true });
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.outputNames).toEqual(['last_hidden_state']);
  });

  it('when built twice with the same seed, should write the same bytes; another seed should differ', () => {
    const again = buildTempEncoder('tiny-embed');
    const other = buildTempEncoder('tiny-embed', 1);
    try {
      const bytes = (dir: string): Buffer => readFileSync(join(dir, 'onnx/model.onnx'));
      expect(bytes(again.dir).equals(bytes(model.dir))).toBe(true);
      expect(bytes(other.dir).equals(bytes(model.dir))).toBe(false);
    } finally {
      again.remove();
      other.remove();
    }
  });

  it('should give the hidden states of the reference forward for an unpadded sequence', async () => {
    const ids = randomIds(3, 23, model.built.shape.vocabSize);
    const out = await runEncoder(session, [ids], ids.length);
    const expected = referenceHiddenStates(reference, ids);
    expect(out.dims).toEqual([1, 23, 64]);
    expect(maxAbsDiff(out.data as Float32Array, Float32Array.from(expected.flatMap((state) => [...state])))).toBeLessThan(1e-4);
  });

  it('when rows are left-padded with attention mask 0, should leave the unmasked outputs unchanged', async () => {
    const short = randomIds(5, 7, model.built.shape.vocabSize);
    const long = randomIds(6, 30, model.built.shape.vocabSize);
    const alone = (await runEncoder(session, [short], short.length)).data as Float32Array;
    const padded = (await runEncoder(session, [short, long], 64)).data as Float32Array;
    const hidden = 64;
    const shortRows = padded.subarray((64 - 7) * hidden, 64 * hidden);
    expect(maxAbsDiff(shortRows, alone)).toBeLessThan(1e-5);
    const longAlone = (await runEncoder(session, [long], long.length)).data as Float32Array;
    expect(maxAbsDiff(padded.subarray((64 + 64 - 30) * hidden, 128 * hidden), longAlone)).toBeLessThan(1e-5);
  });
});

describe('having the tiny-cross-encoder preset built', () => {
  let model: TempEncoder;
  let session: ort.InferenceSession;
  let reference: EncoderReferenceModel;
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    model = buildTempEncoder('tiny-cross-encoder');
    session = await ort.InferenceSession.create(join(model.dir, 'onnx/model.onnx'));
    reference = loadEncoderReference(model.dir);
    const read = (file: string): object => JSON.parse(readFileSync(join(model.dir, file), 'utf8')) as object;
    tokenizer = new Tokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
  });
  afterAll(async () => {
    await session.release();
    model.remove();
  });

  it('should have a logits [batch, 1] output, no pooling files and a sigmoid activation', () => {
    expect(session.outputNames).toEqual(['logits']);
    expect(existsSync(join(model.dir, 'modules.json'))).toBe(false);
    expect(readPoolingConfig(model.dir)).toMatchObject({ labels: ['LABEL_0'], scoreActivation: 'sigmoid' });
  });

  it('should encode a pair as [CLS] query [SEP] doc [SEP] with token type 1 on the document', () => {
    const encoded = tokenizer.encode('what is a fox', { text_pair: 'The quick brown fox', return_token_type_ids: true });
    const query = tokenizer.encode('what is a fox', { add_special_tokens: false }).ids;
    expect(encoded.ids[0]).toBe(1);
    expect(encoded.ids[query.length + 1]).toBe(2);
    expect(encoded.ids.at(-1)).toBe(2);
    expect(encoded.token_type_ids?.slice(0, query.length + 2).every((t: number) => t === 0)).toBe(true);
    expect(encoded.token_type_ids?.slice(query.length + 2).every((t: number) => t === 1)).toBe(true);
  });

  it('should give the reference logits, with or without left padding', async () => {
    const encoded = tokenizer.encode('what is a fox', { text_pair: 'The quick brown fox jumps', return_token_type_ids: true });
    const types = encoded.token_type_ids ?? [];
    const expected = referenceClassifierLogits(reference, encoded.ids, types);
    const alone = (await runEncoder(session, [encoded.ids], encoded.ids.length, [types])).data as Float32Array;
    const other = randomIds(9, 40, model.built.shape.vocabSize);
    const padded = (await runEncoder(session, [encoded.ids, other], 64, [types, other.map(() => 0)])).data as Float32Array;
    expect(maxAbsDiff(alone, expected)).toBeLessThan(1e-4);
    expect(Math.abs(padded[0]! - alone[0]!)).toBeLessThan(1e-5);
    expect(Math.abs(padded[1]! - padded[0]!)).toBeGreaterThan(1e-3);
  });
});
