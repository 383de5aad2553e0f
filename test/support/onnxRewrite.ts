// Test models a backend should refuse: a built model's graph with one operator swapped for another that
// onnxruntime still runs (so eager serves it), written back in place.
import { readFileSync, writeFileSync } from 'node:fs';
import { onnx } from '../../src/models/onnx/onnxProto.js';

/** Replaces the first node of type `from` with an operator of type `to` (same inputs and outputs); returns its name. */
export function swapFirstOperator(onnxPath: string, from: string, to: string): string {
  const model = onnx.ModelProto.decode(readFileSync(onnxPath));
  const node = model.graph?.node?.find((n) => n.opType === from);
  if (!node) throw new Error(`${onnxPath} has no ${from} node`);
  node.opType = to;
  writeFileSync(onnxPath, onnx.ModelProto.encode(model).finish());
  return node.name ?? '';
}
