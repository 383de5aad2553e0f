import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceModel, referenceLogits, type ReferenceModel } from '../../../src/models/reference/index.js';
import { logitsAt, runDecoder, singleRow } from './decoderRunner.js';
import { buildTempModel, maxAbsDiff, randomIds, type TempModel } from './tinyModelFixture.js';

const TOLERANCE = 1e-4;

describe('having the tiny preset built and loaded in onnxruntime-node', () => {
  let model: TempModel;
  let session: ort.InferenceSession;
  let reference: ReferenceModel;

  beforeAll(async () => {
    model = buildTempModel();
    session = await ort.InferenceSession.create(`${model.dir}/onnx/model.onnx`);
    reference = loadReferenceModel(model.dir);
  });
  afterAll(async () => {
    await session.release();
    model.remove();
  });

  it('should declare the Optimum decoder inputs and outputs, in order, then the new tokens\' KV', () => {
    const layers = model.built.shape.numHiddenLayers;
    const kv = (prefix: string): string[] => Array.from({ length: layers }, (_, i) => [`${prefix}.${i}.key`, `${prefix}.${i}.value`]).flat();
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'position_ids', ...kv('past_key_values')]);
    expect(session.outputNames).toEqual(['logits', ...kv('present'), ...kv('new_key_values')]);
    const newKey = session.outputMetadata.find((m) => m.name === 'new_key_values.0.key');
    expect(newKey?.isTensor && newKey.shape).toEqual(['batch_size', 2, 'sequence_length', 16]);
  });

  it('should name the dynamic dimensions as transformers.js expects', () => {
    const metadata = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
    const logits = session.outputMetadata.find((m) => m.name === 'logits');
    expect(metadata?.isTensor && metadata.shape).toEqual(['batch_size', 2, 'past_sequence_length', 16]);
    expect(logits?.isTensor && logits.shape).toEqual(['batch_size', 'sequence_length', 512]);
    const mask = session.inputMetadata.find((m) => m.name === 'attention_mask');
    expect(mask?.isTensor && mask.shape).toEqual(['batch_size', 'total_sequence_length']);
  });

  it.each([1, 2, 3, 4])('when prompt %i is run at once, should give the reference logits at every position', async (seed) => {
    const ids = randomIds(seed, 3 + 5 * seed, model.built.shape.vocabSize);
    const result = await runDecoder(session, model.built.shape, singleRow(ids));
    expect(result.logitsDims).toEqual([1, ids.length, model.built.shape.vocabSize]);
    const expected = referenceLogits(reference, ids);
    ids.forEach((_, position) => {
      expect(maxAbsDiff(logitsAt(result, 0, position), expected[position] as Float32Array)).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('when run as a prefill then single-token steps with past_key_values, should equal the full run', async () => {
    const shape = model.built.shape;
    const ids = randomIds(11, 12, shape.vocabSize);
    const full = await runDecoder(session, shape, singleRow(ids));
    const prefillLength = 7;
    let step = await runDecoder(session, shape, singleRow(ids.slice(0, prefillLength)));
    expect(step.present[0]?.key.dims).toEqual([1, shape.numKeyValueHeads, prefillLength, shape.headDim]);
    for (let position = prefillLength; position < ids.length; position++) {
      step = await runDecoder(session, shape, singleRow([ids[position] as number], position, step.present));
      expect(step.present[1]?.value.dims).toEqual([1, shape.numKeyValueHeads, position + 1, shape.headDim]);
      expect(maxAbsDiff(logitsAt(step, 0, 0), logitsAt(full, 0, position))).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('when a left-padded batch of 2 is run, should give each row the logits it gets alone', async () => {
    const shape = model.built.shape;
    const longIds = randomIds(21, 9, shape.vocabSize);
    const shortIds = randomIds(22, 5, shape.vocabSize);
    const padLength = longIds.length - shortIds.length;
    // Padding slots hold arbitrary ids, so a mask that let them through would change the result.
    const padIds = randomIds(23, padLength, shape.vocabSize);
    const batch = await runDecoder(session, shape, {
      inputIds: [longIds, [...padIds, ...shortIds]],
      attentionMask: [longIds.map(() => 1), [...padIds.map(() => 0), ...shortIds.map(() => 1)]],
      positionIds: [longIds.map((_, i) => i), [...padIds.map(() => 1), ...shortIds.map((_, i) => i)]],
    });
    const aloneLong = await runDecoder(session, shape, singleRow(longIds));
    const aloneShort = await runDecoder(session, shape, singleRow(shortIds));
    longIds.forEach((_, i) => expect(maxAbsDiff(logitsAt(batch, 0, i), logitsAt(aloneLong, 0, i))).toBeLessThanOrEqual(TOLERANCE));
    shortIds.forEach((_, i) => expect(maxAbsDiff(logitsAt(batch, 1, padLength + i), logitsAt(aloneShort, 0, i))).toBeLessThanOrEqual(TOLERANCE));

    // One decode step for both rows on top of the batched cache.
    const next = [7, 9];
    const decode = await runDecoder(session, shape, {
      inputIds: next.map((id) => [id]),
      attentionMask: [[...longIds.map(() => 1), 1], [...padIds.map(() => 0), ...shortIds.map(() => 1), 1]],
      positionIds: [[longIds.length], [shortIds.length]],
      past: batch.present,
    });
    const aloneShortNext = await runDecoder(session, shape, singleRow([next[1] as number], shortIds.length, aloneShort.present));
    const aloneLongNext = await runDecoder(session, shape, singleRow([next[0] as number], longIds.length, aloneLong.present));
    expect(maxAbsDiff(logitsAt(decode, 0, 0), logitsAt(aloneLongNext, 0, 0))).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDiff(logitsAt(decode, 1, 0), logitsAt(aloneShortNext, 0, 0))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('when a query row is entirely masked (a padding slot before any real token), should give finite logits', async () => {
    const shape = model.built.shape;
    const result = await runDecoder(session, shape, { inputIds: [[5, 6, 7]], attentionMask: [[0, 0, 1]], positionIds: [[1, 1, 0]] });
    expect(Array.from(result.logits).every(Number.isFinite)).toBe(true);
    for (const layer of result.present) expect(Array.from(layer.key.data as Float32Array).every(Number.isFinite)).toBe(true);
  });
});

describe('having the tiny preset built with external weight data', () => {
  it('should load in onnxruntime-node and give the same logits as the inline build', async () => {
    const inline = buildTempModel();
    const external = buildTempModel({ weightsLayout: 'external' });
    try {
      const ids = randomIds(5, 6, inline.built.shape.vocabSize);
      const sessions = await Promise.all([inline, external].map((m) => ort.InferenceSession.create(`${m.dir}/onnx/model.onnx`)));
      const [a, b] = await Promise.all(sessions.map((s) => runDecoder(s, inline.built.shape, singleRow(ids))));
      expect(a?.logits.length).toBeGreaterThan(0);
      expect(maxAbsDiff(a?.logits ?? [], b?.logits ?? [])).toBe(0);
      await Promise.all(sessions.map((s) => s.release()));
    } finally {
      inline.remove();
      external.remove();
    }
  });
});

describe('having the tiny shape with tied embeddings', () => {
  it('should give the reference logits (lm_head is the transposed embedding)', async () => {
    const model = buildTempModel({ presetOverrides: { tieWordEmbeddings: true } });
    try {
      const session = await ort.InferenceSession.create(`${model.dir}/onnx/model.onnx`);
      const ids = randomIds(8, 9, model.built.shape.vocabSize);
      const result = await runDecoder(session, model.built.shape, singleRow(ids));
      const expected = referenceLogits(model.dir, ids);
      ids.forEach((_, i) => expect(maxAbsDiff(logitsAt(result, 0, i), expected[i] as Float32Array)).toBeLessThanOrEqual(TOLERANCE));
      await session.release();
    } finally {
      model.remove();
    }
  });
});
