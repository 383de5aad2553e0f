// Test models a backend should refuse: a built model's graph with one operator swapped for another that
// onnxruntime still runs (so eager serves it), written back in place.
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/**
 * Copies a model directory and rewrites every inline float32 initializer of its graph: 1-D tensors (biases, norm
 * weights) shifted by a deterministic wave, 2-D ones scaled by `scale`. Random test exports have zero biases and
 * tiny activations, where a missing bias or the wrong GELU would not show; the copy makes both show.
 */
export function perturbedCopy(sourceDir: string, onnxRelative: string, scale: number): string {
  const dir = writableCopy(sourceDir, onnxRelative);
  const path = join(dir, onnxRelative);
  const model = onnx.ModelProto.decode(readFileSync(path));
  (model.graph?.initializer ?? []).forEach((tensor, k) => {
    if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT || !tensor.rawData || tensor.rawData.length === 0) return;
    const copy = new Uint8Array(tensor.rawData.length);
    copy.set(tensor.rawData);
    const values = new Float32Array(copy.buffer);
    const rank = tensor.dims?.length ?? 0;
    for (let i = 0; i < values.length; i++) values[i] = rank === 1 ? (values[i] as number) + 0.05 * Math.sin(17 * i + 1.3 * k) : (values[i] as number) * scale;
    tensor.rawData = new Uint8Array(values.buffer);
  });
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
  return dir;
}

/** A copy of a (read-only) model directory in a fresh temp directory whose graph file can be rewritten. */
export function writableCopy(sourceDir: string, onnxRelative: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'spyre-model-copy-'));
  cpSync(sourceDir, dir, { recursive: true });
  const path = join(dir, onnxRelative);
  chmodSync(dir, 0o755);
  chmodSync(dirname(path), 0o755);
  const bytes = readFileSync(path);
  rmSync(path, { force: true });
  writeFileSync(path, bytes);
  return dir;
}

/** Swaps the names of two initializers everywhere in the graph (the tensors stay where the data flow puts them). */
export function swapInitializerNames(onnxPath: string, a: string, b: string): void {
  const model = onnx.ModelProto.decode(readFileSync(onnxPath));
  const swap = (name: string): string => (name === a ? b : name === b ? a : name);
  for (const tensor of model.graph?.initializer ?? []) tensor.name = swap(tensor.name ?? '');
  for (const node of model.graph?.node ?? []) node.input = (node.input ?? []).map(swap);
  writeFileSync(onnxPath, onnx.ModelProto.encode(model).finish());
}

/** Sets a config.json field of a model directory. */
export function setConfigField(dir: string, key: string, value: unknown): void {
  const path = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  config[key] = value;
  writeFileSync(path, JSON.stringify(config, null, 2));
}
