// Turns the weight plan into ONNX initializers, either inline (raw_data inside model.onnx) or as
// external data: one file of little-endian float32 tensors that model.onnx points into by offset.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { DecoderShape } from '../llama/decoderShape.js';
import { onnx, type TensorProto } from '../onnx/onnxProto.js';
import type { ProgressListener } from './progress.js';
import { elementCount, materialise, type PlannedWeight } from './weightPlan.js';

export type WeightsLayout = 'inline' | 'external';

export const EXTERNAL_DATA_FILE = 'model.onnx.data';

// Tensors start on 4 KiB boundaries in the data file, so a runtime can map them without copying.
const ALIGNMENT_BYTES = 4096;

function asBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function totalWeightBytes(plan: readonly PlannedWeight[]): number {
  return plan.reduce((sum, weight) => sum + 4 * elementCount(weight.dims), 0);
}

export function inlineInitializers(plan: readonly PlannedWeight[], shape: DecoderShape, seed: number, onProgress: ProgressListener): TensorProto[] {
  const totalBytes = totalWeightBytes(plan);
  let doneBytes = 0;
  return plan.map((weight) => {
    const values = materialise(weight, shape, seed);
    doneBytes += values.byteLength;
    onProgress({ stage: 'weights', done: doneBytes, total: totalBytes });
    return { name: weight.name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [...weight.dims], rawData: asBytes(values) };
  });
}

/** Writes every tensor to `dataPath` one at a time and returns initializers that reference it. */
export function externalInitializers(
  plan: readonly PlannedWeight[], shape: DecoderShape, seed: number, dataPath: string, onProgress: ProgressListener,
): TensorProto[] {
  const totalBytes = totalWeightBytes(plan);
  const fd = openSync(dataPath, 'w');
  try {
    let offsetBytes = 0;
    return plan.map((weight) => {
      const padding = (ALIGNMENT_BYTES - (offsetBytes % ALIGNMENT_BYTES)) % ALIGNMENT_BYTES;
      if (padding > 0) writeSync(fd, new Uint8Array(padding));
      offsetBytes += padding;
      const values = materialise(weight, shape, seed);
      writeSync(fd, asBytes(values));
      const tensor: TensorProto = {
        name: weight.name,
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [...weight.dims],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: EXTERNAL_DATA_FILE },
          { key: 'offset', value: String(offsetBytes) },
          { key: 'length', value: String(values.byteLength) },
        ],
      };
      offsetBytes += values.byteLength;
      onProgress({ stage: 'weights', done: Math.min(offsetBytes, totalBytes), total: totalBytes });
      return tensor;
    });
  } finally {
    closeSync(fd);
  }
}
