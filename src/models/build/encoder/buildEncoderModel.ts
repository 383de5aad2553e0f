// Writes an encoder model directory in the Hugging Face layout: tokenizer (it fixes the vocabulary),
// config.json, the sentence-transformers pooling files, and onnx/model.onnx with inline weights.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../graphBuilder.js';
import type { ProgressListener } from '../progress.js';
import { writeJson, writeOnnxModel, writeTokenizer } from '../modelDirWriter.js';
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

export function buildEncoderModel(options: BuildEncoderModelOptions): BuiltEncoderModel {
  const preset: EncoderPreset = { ...getEncoderPreset(options.preset), ...options.presetOverrides };
  const seed = options.seed ?? 0;
  const onProgress: ProgressListener = options.onProgress ?? (() => undefined);
  const onnxDir = join(options.outDir, 'onnx');
  mkdirSync(onnxDir, { recursive: true });

  const bpe = writeTokenizer(
    options.outDir,
    seed,
    preset.tokenizerMerges,
    { tokenizerJson: encoderTokenizerJson, tokenizerConfigJson: () => encoderTokenizerConfigJson(preset.maxPositionEmbeddings) },
    onProgress,
  );

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
  const graph = new GraphBuilder();
  buildEncoderGraph(graph, shape);
  writeOnnxModel(onnxDir, { name: `bert-${preset.name}`, graph, initializers: tensors, inputs: encoderInputs(), outputs: encoderOutputs(shape) }, onProgress);
  return { modelDir: options.outDir, shape, parameterCount: countEncoderParameters(shape), weightBytes };
}
