// Writes a complete Hugging Face style model directory for a preset: tokenizer first (it fixes the
// vocabulary), then the weights (inline or as external data), then the graph that names them.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { countParameters, type DecoderShape } from '../llama/decoderShape.js';
import { configJson, generationConfigJson } from './configFiles.js';
import { buildDecoderGraph } from './decoderGraph.js';
import { decoderInputs, decoderOutputs } from './decoderIo.js';
import { GraphBuilder } from './graphBuilder.js';
import { getPreset, type ModelPreset, type PresetName } from './presets.js';
import type { ProgressListener } from './progress.js';
import { writeJson, writeOnnxModel, writeTokenizer } from './modelDirWriter.js';
import { tokenizerConfigJson, tokenizerJson } from './tokenizer/tokenizerFiles.js';
import { planWeights } from './weightPlan.js';
import { EXTERNAL_DATA_FILE, externalInitializers, inlineInitializers, totalWeightBytes, type WeightsLayout } from './weightWriter.js';

export interface BuildModelOptions {
  readonly preset: PresetName;
  readonly outDir: string;
  /** Seed of the weights and of the tokenizer corpus; the same seed gives the same bytes. Default 0. */
  readonly seed?: number;
  /** Default: external data when the weights exceed 100 MB, as exporters do near protobuf's limits. */
  readonly weightsLayout?: WeightsLayout;
  readonly onProgress?: ProgressListener;
  /** Changes to the preset's shape, for tests that need a variant (e.g. tied embeddings at tiny size). */
  readonly presetOverrides?: Partial<Omit<ModelPreset, 'name'>>;
  /**
   * Also output each layer's new key and value (`new_key_values.{i}.key|value`), default true. Without
   * them the graph has exactly the Optimum outputs, as other exporters write it (tests of that path).
   */
  readonly exportNewKv?: boolean;
}

export interface BuiltModel {
  readonly modelDir: string;
  readonly shape: DecoderShape;
  readonly parameterCount: number;
  readonly weightBytes: number;
  readonly weightsLayout: WeightsLayout;
}

const EXTERNAL_THRESHOLD_BYTES = 100_000_000;
export function buildModel(options: BuildModelOptions): BuiltModel {
  const preset: ModelPreset = { ...getPreset(options.preset), ...options.presetOverrides };
  const seed = options.seed ?? 0;
  const onProgress: ProgressListener = options.onProgress ?? (() => undefined);
  const onnxDir = join(options.outDir, 'onnx');
  mkdirSync(onnxDir, { recursive: true });

  const bpe = writeTokenizer(options.outDir, seed, preset.tokenizerMerges, { tokenizerJson, tokenizerConfigJson: () => tokenizerConfigJson(preset.maxPositionEmbeddings) }, onProgress);

  const { name: _name, tokenizerMerges: _merges, ...architecture } = preset;
  const shape: DecoderShape = { ...architecture, vocabSize: bpe.tokens.length };
  writeJson(join(options.outDir, 'config.json'), configJson(shape));
  writeJson(join(options.outDir, 'generation_config.json'), generationConfigJson());

  const plan = planWeights(shape);
  const weightBytes = totalWeightBytes(plan);
  const weightsLayout = options.weightsLayout ?? (weightBytes > EXTERNAL_THRESHOLD_BYTES ? 'external' : 'inline');
  // An inline rebuild over an external one must not leave the old data file behind to confuse loaders.
  if (weightsLayout === 'inline') rmSync(join(onnxDir, EXTERNAL_DATA_FILE), { force: true });
  const initializers = weightsLayout === 'external'
    ? externalInitializers(plan, shape, seed, join(onnxDir, EXTERNAL_DATA_FILE), onProgress)
    : inlineInitializers(plan, shape, seed, onProgress);

  const graph = new GraphBuilder();
  buildDecoderGraph(graph, shape, options.exportNewKv ?? true);
  writeOnnxModel(onnxDir, { name: `${shape.granite ? 'granite' : 'llama'}-${preset.name}`, graph, initializers, inputs: decoderInputs(shape), outputs: decoderOutputs(shape, options.exportNewKv ?? true) }, onProgress);
  return { modelDir: options.outDir, shape, parameterCount: countParameters(shape), weightBytes, weightsLayout };
}
