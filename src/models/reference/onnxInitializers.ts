// Reads float32 initializers out of an ONNX file: inline raw_data, float_data, or external data
// (location/offset/length relative to the model file), the three ways exporters store weights.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { onnx, type TensorProto } from '../onnx/onnxProto.js';

export interface FloatTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

function copyFloats(bytes: Uint8Array): Float32Array {
  // Copy: protobuf and file buffers give unaligned views, and Float32Array needs 4-byte alignment.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

function externalBytes(tensor: TensorProto, modelDir: string, files: Map<string, Buffer>): Uint8Array {
  const entries = new Map((tensor.externalData ?? []).map((entry) => [entry.key ?? '', entry.value ?? '']));
  const location = entries.get('location');
  if (!location) throw new Error(`initializer ${tensor.name}: external data without a location`);
  let file = files.get(location);
  if (!file) files.set(location, (file = readFileSync(join(modelDir, location))));
  const offsetBytes = Number(entries.get('offset') ?? 0);
  const lengthBytes = entries.has('length') ? Number(entries.get('length')) : file.byteLength - offsetBytes;
  return file.subarray(offsetBytes, offsetBytes + lengthBytes);
}

/** All float32 initializers of the model at `onnxPath`, by name. */
export function readFloatInitializers(onnxPath: string): ReadonlyMap<string, FloatTensor> {
  const model = onnx.ModelProto.decode(readFileSync(onnxPath));
  const externalFiles = new Map<string, Buffer>();
  const tensors = new Map<string, FloatTensor>();
  for (const tensor of model.graph?.initializer ?? []) {
    if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT || !tensor.name) continue;
    const dims = (tensor.dims ?? []).map(Number);
    let data: Float32Array;
    if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) data = copyFloats(externalBytes(tensor, dirname(onnxPath), externalFiles));
    else if (tensor.rawData && tensor.rawData.length > 0) data = copyFloats(tensor.rawData);
    else data = Float32Array.from(tensor.floatData ?? []);
    tensors.set(tensor.name, { dims, data });
  }
  return tensors;
}
