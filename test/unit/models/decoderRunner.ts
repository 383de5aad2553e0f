// Runs a built decoder in onnxruntime-node with the Optimum I/O convention, for tests.
import * as ort from 'onnxruntime-node';
import type { DecoderShape } from '../../../src/models/llama/decoderShape.js';

export interface LayerKv {
  readonly key: ort.Tensor;
  readonly value: ort.Tensor;
}

export interface DecoderStep {
  /** Row-major [batch][sequence] */
  readonly inputIds: readonly (readonly number[])[];
  /** [batch][past + sequence] */
  readonly attentionMask: readonly (readonly number[])[];
  readonly positionIds: readonly (readonly number[])[];
  /** One entry per layer; omitted means an empty past. */
  readonly past?: readonly LayerKv[];
}

export interface DecoderResult {
  readonly logits: Float32Array;
  readonly logitsDims: readonly number[];
  readonly present: readonly LayerKv[];
}

function int64Matrix(rows: readonly (readonly number[])[]): ort.Tensor {
  const width = rows[0]?.length ?? 0;
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, width]);
}

export async function runDecoder(session: ort.InferenceSession, shape: DecoderShape, step: DecoderStep): Promise<DecoderResult> {
  const batch = step.inputIds.length;
  const emptyKv = (): ort.Tensor => new ort.Tensor('float32', new Float32Array(0), [batch, shape.numKeyValueHeads, 0, shape.headDim]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64Matrix(step.inputIds),
    attention_mask: int64Matrix(step.attentionMask),
    position_ids: int64Matrix(step.positionIds),
  };
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    feeds[`past_key_values.${layer}.key`] = step.past?.[layer]?.key ?? emptyKv();
    feeds[`past_key_values.${layer}.value`] = step.past?.[layer]?.value ?? emptyKv();
  }
  const out = await session.run(feeds);
  const logits = out['logits'] as ort.Tensor;
  return {
    logits: logits.data as Float32Array,
    logitsDims: logits.dims,
    present: Array.from({ length: shape.numHiddenLayers }, (_, layer) => ({
      key: out[`present.${layer}.key`] as ort.Tensor,
      value: out[`present.${layer}.value`] as ort.Tensor,
    })),
  };
}

/** Logits of row `row`, position `position` from a [batch, seq, vocab] result. */
export function logitsAt(result: DecoderResult, row: number, position: number): Float32Array {
  const [, seq, vocab] = result.logitsDims as [number, number, number];
  const start = (row * seq + position) * vocab;
  return result.logits.subarray(start, start + vocab);
}

/** A single unpadded sequence: mask of ones and positions from `firstPosition`. */
export function singleRow(ids: readonly number[], firstPosition = 0, past?: readonly LayerKv[]): DecoderStep {
  return {
    inputIds: [ids],
    attentionMask: [new Array<number>(firstPosition + ids.length).fill(1)],
    positionIds: [ids.map((_, i) => firstPosition + i)],
    ...(past ? { past } : {}),
  };
}
