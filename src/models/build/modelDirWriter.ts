// The steps every generated model directory shares, whatever its architecture: JSON files, the tokenizer
// (trained first, since it fixes the vocabulary) and the ONNX file that names the weights.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx, type TensorProto, type ValueInfoProto } from '../onnx/onnxProto.js';
import type { GraphBuilder } from './graphBuilder.js';
import type { ProgressListener } from './progress.js';
import type { TrainedBpe } from './tokenizer/bpeTrainer.js';
import { buildTokenizer } from './tokenizer/buildTokenizer.js';

const OPSET_VERSION = 17;
const IR_VERSION = 8;

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** How a model family lays out its tokenizer files. */
export interface TokenizerFileWriters {
  readonly tokenizerJson: (bpe: TrainedBpe) => unknown;
  readonly tokenizerConfigJson: () => unknown;
}

/** Trains the byte-level BPE tokenizer and writes tokenizer.json and tokenizer_config.json. */
export function writeTokenizer(outDir: string, seed: number, maxMerges: number, writers: TokenizerFileWriters, onProgress: ProgressListener): TrainedBpe {
  onProgress({ stage: 'tokenizer', done: 0, total: 1 });
  const bpe = buildTokenizer(seed, maxMerges);
  writeJson(join(outDir, 'tokenizer.json'), writers.tokenizerJson(bpe));
  writeJson(join(outDir, 'tokenizer_config.json'), writers.tokenizerConfigJson());
  onProgress({ stage: 'tokenizer', done: 1, total: 1 });
  return bpe;
}

/** What goes into onnx/model.onnx. */
export interface OnnxModelParts {
  readonly name: string;
  readonly graph: GraphBuilder;
  readonly initializers: readonly TensorProto[];
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
}

/** Writes `onnxDir/model.onnx` (standard opset 17) from a built graph and its weights. */
export function writeOnnxModel(onnxDir: string, parts: OnnxModelParts, onProgress: ProgressListener): void {
  onProgress({ stage: 'graph', done: 0, total: 1 });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'spyre-engine',
    graph: {
      name: parts.name,
      node: parts.graph.nodes,
      initializer: [...parts.initializers, ...parts.graph.constants],
      input: [...parts.inputs],
      output: [...parts.outputs],
    },
  });
  writeFileSync(join(onnxDir, 'model.onnx'), onnx.ModelProto.encode(model).finish());
  onProgress({ stage: 'graph', done: 1, total: 1 });
}
