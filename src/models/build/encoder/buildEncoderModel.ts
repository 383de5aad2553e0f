// Writes an encoder model directory in the Hugging Face layout: tokenizer (it fixes the vocabulary),
// config.json, the sentence-transformers pooling files, and onnx/model.onnx with inline weights.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from '../../onnx/onnxProto.js';
import { GraphBuilder } from '../graphBuilder.js';
import type { ProgressListener } from '../progress.js';
import { buildTokenizer } from '../tokenizer/buildTokenizer.js';
import { POOLING_DIR, encoderConfigJson, modulesJson, poolingConfigJson } from './encoderConfigFiles.js';
import { buildEncoderGraph } from './encoderGraph.js';
import { encoderInputs, encoderOutputs } from './encoderIo.js';
import { getEncoderPreset, type EncoderPreset, type EncoderPresetName } from './encoderPresets.js';
import { countEncoderParameters, type EncoderShape } from './encoderShape.js';
import { encoderTokenizerConfigJson, encoderTokenizerJson } from './encoderTokenizerFiles.js';
import { encoderInitializers } from './encoderWeights.js';

export interface BuildEncoderModelOptions {
  readonly preset: EncoderPresetName;
  readonly outDir: string;
  /** Seed of the weights and of the tokenizer corpus; the same seed gives the same bytes. Default 0. */
  readonly seed?: number;
  readonly onProgress?: ProgressListener;
  readonly presetOverrides?: Partial<Omit<EncoderPreset, 'name'>>;
}

export interface BuiltEncoderModel {
  readonly modelDir: string;
  readonly shape: EncoderShape;
  readonly parameterCount: number;
  readonly weightBytes: number;
}

const OPSET_VERSION = 17;
const IR_VERSION = 8;

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function buildEncoderModel(options: BuildEncoderModelOptions): BuiltEncoderModel {
  const preset: EncoderPreset = { ...getEncoderPreset(options.preset), ...options.presetOverrides };
  const seed = options.seed ?? 0;
  const onProgress: ProgressListener = options.onProgress ?? (() => undefined);
  const onnxDir = join(options.outDir, 'onnx');
  mkdirSync(onnxDir, { recursive: true });

  onProgress({ stage: 'tokenizer', done: 0, total: 1 });
  const bpe = buildTokenizer(seed, preset.tokenizerMerges);
  writeJson(join(options.outDir, 'tokenizer.json'), encoderTokenizerJson(bpe));
  writeJson(join(options.outDir, 'tokenizer_config.json'), encoderTokenizerConfigJson(preset.maxPositionEmbeddings));
  onProgress({ stage: 'tokenizer', done: 1, total: 1 });

  const { name: _name, tokenizerMerges: _merges, ...architecture } = preset;
  const shape: EncoderShape = { ...architecture, vocabSize: bpe.tokens.length };
  writeJson(join(options.outDir, 'config.json'), encoderConfigJson(shape));
  // A rebuild with another head must not leave the old head's pooling files behind.
  rmSync(join(options.outDir, 'modules.json'), { force: true });
  rmSync(join(options.outDir, POOLING_DIR), { recursive: true, force: true });
  if (shape.head === 'embedding') {
    writeJson(join(options.outDir, 'modules.json'), modulesJson(shape));
    mkdirSync(join(options.outDir, POOLING_DIR), { recursive: true });
    writeJson(join(options.outDir, POOLING_DIR, 'config.json'), poolingConfigJson(shape));
  }

  const { tensors, weightBytes } = encoderInitializers(shape, seed);
  onProgress({ stage: 'weights', done: weightBytes, total: weightBytes });
  onProgress({ stage: 'graph', done: 0, total: 1 });
  const graph = new GraphBuilder();
  buildEncoderGraph(graph, shape);
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'spyre-engine',
    graph: {
      name: `bert-${preset.name}`,
      node: graph.nodes,
      initializer: [...tensors, ...graph.constants],
      input: encoderInputs(),
      output: encoderOutputs(shape),
    },
  });
  writeFileSync(join(onnxDir, 'model.onnx'), onnx.ModelProto.encode(model).finish());
  onProgress({ stage: 'graph', done: 1, total: 1 });
  return { modelDir: options.outDir, shape, parameterCount: countEncoderParameters(shape), weightBytes };
}
