// Any decoder directory the eager backend reads, as the sendnn ABI wants it: the architecture from
// config.json or genai_config.json, the weights traced out of the ONNX graph (float32 or float16
// initializers, inline or external) and packed in the ABI's order.
import { readModelDir, type ModelDirInfo } from '../../../models/dir/index.js';
import { OnnxGraph } from '../../../models/onnx/onnxGraph.js';
import { packWeights } from '../packedWeights.js';
import type { SendnnModelDesc } from '../sendnnTypes.js';
import { traceGpt2Graph } from './gpt2Graph.js';
import { traceLlamaGraph, type LlamaGraph } from './llamaGraph.js';
import { refuseUnmappedConfig, type DecoderConfigFields } from './configChecks.js';
import type { GraniteMultipliers } from '../../../models/llama/graniteMultipliers.js';
import { ropeThetaOf } from './rotaryTables.js';
import { unmappable } from './unmappable.js';

export interface ImportedDecoder {
  readonly desc: SendnnModelDesc;
  readonly weights: Float32Array;
  readonly fingerprint: string;
  /** The traced tensors in the ABI's order, under the graph's names (what `weights` packs). */
  readonly tensors: readonly { readonly name: string; readonly data: Float32Array }[];
}

const LLAMA_FAMILY = new Set(['llama', 'mistral', 'qwen2', 'granite']);

/** Equal up to float32 rounding (the graph holds the config's multipliers as float32 constants). */
const sameScalar = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/**
 * Granite's multipliers as config.json states them, checked against the scalar Mul/Div nodes the graph applies
 * (embedding, each residual branch, logits, the attention scale): a model whose
 * config and graph disagree is refused, since the program would compute neither.
 */
function graniteOf(info: ModelDirInfo, graph: OnnxGraph, traced: LlamaGraph, config: DecoderConfigFields): GraniteMultipliers | undefined {
  const granite = config.granite;
  const source = granite ? `${info.dir}/config.json says` : `model_type ${info.modelType} means`;
  const agree = (field: string, inConfig: number, inGraph: number): void => {
    if (!sameScalar(inGraph, inConfig)) throw unmappable(graph.path, `the graph's ${field} is ${inGraph}, but ${source} ${inConfig}; config.json and the graph must agree`);
  };
  agree('embedding_multiplier (the Mul after the embedding Gather)', granite?.embeddingMultiplier ?? 1, traced.embeddingMultiplier);
  for (const multiplier of traced.residualMultipliers) agree('residual_multiplier (a Mul on an attention or MLP output before the residual Add)', granite?.residualMultiplier ?? 1, multiplier);
  agree('logits_scaling (the Div that writes the logits)', granite?.logitsScaling ?? 1, traced.logitsScaling);
  const scale = traced.attentionScale;
  const headDim = info.dims.headDim;
  if (scale !== undefined) agree("attention scale (the scalars on q, k and the scores, or the attention operators' scale attribute)", granite?.attentionMultiplier ?? 1 / Math.sqrt(headDim), scale === 0 ? 1 / Math.sqrt(headDim) : scale);
  return granite;
}

function checkDims(info: ModelDirInfo, graph: OnnxGraph, traced: LlamaGraph): void {
  const d = info.dims;
  const q = d.numAttentionHeads * d.headDim;
  const k = d.numKeyValueHeads * d.headDim;
  const expected = (name: string | undefined, dims: readonly number[], what: string): void => {
    const actual = graph.floatInitializer(name)?.dims ?? [];
    if (actual.join('x') !== dims.join('x')) {
      throw unmappable(graph.path, `${what} ${name} is [${actual.join(', ')}], but the config's dimensions give [${dims.join(', ')}] (hidden ${d.hiddenSize}, ${d.numAttentionHeads} heads, ${d.numKeyValueHeads} KV heads of ${d.headDim}, vocabulary ${d.vocabSize})`);
    }
  };
  if (traced.layers.length !== d.numHiddenLayers) throw unmappable(graph.path, `the graph has ${traced.layers.length} layers, but the config says num_hidden_layers ${d.numHiddenLayers}`);
  expected(traced.embedTokens, [d.vocabSize, d.hiddenSize], 'the token embedding');
  if (traced.lmHead !== undefined) expected(traced.lmHead, [d.hiddenSize, d.vocabSize], 'the lm head');
  const i = traced.intermediateSize;
  for (const layer of traced.layers) {
    expected(layer.q, [d.hiddenSize, q], 'the q projection');
    expected(layer.k, [d.hiddenSize, k], 'the k projection');
    expected(layer.v, [d.hiddenSize, k], 'the v projection');
    expected(layer.o, [q, d.hiddenSize], 'the o projection');
    expected(layer.gate, [d.hiddenSize, i], 'the gate projection');
    expected(layer.up, [d.hiddenSize, i], 'the up projection');
    expected(layer.down, [i, d.hiddenSize], 'the down projection');
  }
}

/** Reads `modelDir` (any layout readModelDir accepts) as a decoder, or refuses an encoder the way the importer does. */
export function readDecoderDir(modelDir: string): ModelDirInfo {
  const info = readModelDir(modelDir);
  if (info.kind !== 'decoder') throw unmappable(info.dir, `model_type ${info.modelType} is an encoder, not a decoder`);
  return info;
}

/** Reads `modelDir` (any layout readModelDir accepts) and maps its decoder onto the sendnn Llama program, or refuses it. */
export function importDecoder(modelDir: string): ImportedDecoder {
  const info = readDecoderDir(modelDir);
  if (info.modelType === 'gpt2') return importGpt2(info);
  if (!LLAMA_FAMILY.has(info.modelType)) {
    throw unmappable(`${info.dir}/${info.configSource}`, `model_type ${info.modelType} is not mapped (the sendnn decoder programs compute the Llama family: ${[...LLAMA_FAMILY].join(', ')}, and GPT-2)`);
  }
  const config = refuseUnmappedConfig(info);
  const graph = OnnxGraph.read(info.onnxModelPath);
  const traced = traceLlamaGraph(graph, info.dims.hiddenSize, info.decoderIo?.logits ?? 'logits');
  checkDims(info, graph, traced);
  const granite = graniteOf(info, graph, traced, config);
  const d = info.dims;
  const desc: SendnnModelDesc = {
    family: 'llama', maxPositions: 0, vocabSize: d.vocabSize, hiddenSize: d.hiddenSize, intermediateSize: traced.intermediateSize, numLayers: d.numHiddenLayers,
    numHeads: d.numAttentionHeads, numKvHeads: d.numKeyValueHeads, headDim: d.headDim, tieWordEmbeddings: traced.lmHead === undefined,
    rmsNormEps: traced.rmsNormEps ?? config.rmsNormEps ?? 1e-6, ropeTheta: ropeThetaOf(graph, d.headDim), ...(granite ? { granite } : {}),
  };
  const names = [traced.embedTokens];
  for (const l of traced.layers) names.push(l.inputNorm, l.q, l.k, l.v, l.o, l.postNorm, l.gate, l.up, l.down);
  names.push(traced.finalNorm);
  if (traced.lmHead !== undefined) names.push(traced.lmHead);
  const tensors = names.map((name) => ({ name, data: graph.values(name) }));
  const { weights, fingerprint } = packWeights(info.dir, new Map(tensors.map((t) => [t.name, t])), names, desc);
  return { desc, weights, fingerprint, tensors };
}

/** GPT-2 from an onnxruntime-fused graph: the fused c_attn split into q, k and v, every bias and LayerNorm bias kept. */
function importGpt2(info: ModelDirInfo): ImportedDecoder {
  const graph = OnnxGraph.read(info.onnxModelPath);
  const d = info.dims;
  const traced = traceGpt2Graph(graph, d.hiddenSize, info.decoderIo?.logits ?? 'logits');
  if (traced.layers.length !== d.numHiddenLayers) throw unmappable(graph.path, `the graph has ${traced.layers.length} layers, but the config says ${d.numHiddenLayers}`);
  if (traced.numHeads !== d.numAttentionHeads) throw unmappable(graph.path, `the Attention operators have num_heads ${traced.numHeads}, but the config says ${d.numAttentionHeads}`);
  if (traced.embedTokens.length !== d.vocabSize * d.hiddenSize) throw unmappable(graph.path, `the token embedding does not hold vocabulary ${d.vocabSize} × hidden ${d.hiddenSize}`);
  const desc: SendnnModelDesc = {
    family: 'gpt2', maxPositions: traced.maxPositions, vocabSize: d.vocabSize, hiddenSize: d.hiddenSize, intermediateSize: traced.intermediateSize,
    numLayers: traced.layers.length, numHeads: d.numAttentionHeads, numKvHeads: d.numAttentionHeads, headDim: d.hiddenSize / d.numAttentionHeads,
    tieWordEmbeddings: traced.lmHead === undefined, rmsNormEps: traced.layerNormEps, ropeTheta: 0,
  };
  const ordered: Float32Array[] = [traced.embedTokens, traced.positions];
  for (const l of traced.layers) {
    ordered.push(l.inputNorm, l.inputNormBias, l.q, l.qBias, l.k, l.kBias, l.v, l.vBias, l.o, l.oBias, l.postNorm, l.postNormBias, l.up, l.upBias, l.down, l.downBias);
  }
  ordered.push(traced.finalNorm, traced.finalNormBias);
  if (traced.lmHead !== undefined) ordered.push(traced.lmHead);
  const tensors = ordered.map((data, i) => ({ name: `#${i}`, data }));
  const { weights, fingerprint } = packWeights(info.dir, new Map(tensors.map((t) => [t.name, t])), tensors.map((t) => t.name), desc);
  return { desc, weights, fingerprint, tensors };
}
