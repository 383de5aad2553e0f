// Node 20 has no Float16Array: onnxruntime-node hands float16 tensors over as raw Uint16Array bits.
// The KV cache stays in those bits (gather and scatter only copy); only logits are widened to float32.
import { halfToFloat } from '../../models/onnx/halfToFloat.js';

let table: Float32Array | undefined;

/** All 65536 float16 values as float32: 256 KB once, then a lookup per element. */
function float16Table(): Float32Array {
  if (table === undefined) {
    table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = halfToFloat(bits);
  }
  return table;
}

/** Widens `source` (float16 bits) into `target`, which must be at least as long. */
export function float16ToFloat32(source: Uint16Array, target: Float32Array): void {
  const lookup = float16Table();
  for (let i = 0; i < source.length; i++) target[i] = lookup[source[i] as number] as number;
}
