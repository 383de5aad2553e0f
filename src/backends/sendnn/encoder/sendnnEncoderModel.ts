// An encoder directory (BERT, DistilBERT, RoBERTa-style) as the sendnn ABI wants it: the encoder description,
// one flat float32 array of weights in the ABI's order (sendnn_abi.h) traced out of the ONNX graph, a
// fingerprint for cache keys, and what the pooling engine needs to know of it.
import { EngineError } from '../../../core/contracts/errors.js';
import type { PoolingModelDescription } from '../../../core/contracts/pooling.js';
import { ModelDirError, readModelDir } from '../../../models/dir/index.js';
import { readPoolingConfig } from '../../../models/dir/poolingConfig.js';
import { OnnxGraph } from '../../../models/onnx/onnxGraph.js';
import { traceEncoderGraph, type Dense, type EncoderGraph, type Norm } from '../import/encoderGraph.js';
import { unmappable } from '../import/unmappable.js';
import { packWeights } from '../packedWeights.js';
import type { SendnnEncoderDesc } from '../sendnnTypes.js';

export interface SendnnEncoderModel {
  readonly modelDir: string;
  readonly desc: SendnnEncoderDesc;
  readonly weights: Float32Array;
  readonly fingerprint: string;
  readonly description: PoolingModelDescription;
}

/** The traced tensors in the ABI's order (sendnn_encoder_desc's comment). */
function abiTensors(traced: EncoderGraph): Float32Array[] {
  const dense = (d: Dense): Float32Array[] => [d.weight, d.bias];
  const norm = (n: Norm): Float32Array[] => [n.weight, n.bias];
  const tensors = [traced.word, traced.position, traced.tokenType, ...norm(traced.embeddingsNorm)];
  for (const l of traced.layers) {
    tensors.push(...dense(l.q), ...dense(l.k), ...dense(l.v), ...dense(l.attentionOutput), ...norm(l.attentionNorm), ...dense(l.intermediate), ...dense(l.output), ...norm(l.outputNorm));
  }
  if (traced.head) tensors.push(...dense(traced.head.pooler), ...dense(traced.head.classifier));
  return tensors;
}

function read(modelDir: string): SendnnEncoderModel {
  const info = readModelDir(modelDir);
  if (info.kind !== 'encoder') throw unmappable(info.dir, `model_type ${info.modelType} is a decoder; pooling (embed, score, classify) needs an encoder`);
  const pooling = readPoolingConfig(info.dir);
  if (pooling.pooling === 'last') throw new EngineError('invalid_config', `sendnn backend: ${modelDir} asks for last-token pooling, which the sendnn encoder programs do not implement (mean, cls)`);
  const graph = OnnxGraph.read(info.onnxModelPath);
  const classifier = graph.outputNames.includes('logits');
  const hidden = info.dims.hiddenSize;
  const traced = traceEncoderGraph(graph, hidden, classifier);
  const eps = traced.embeddingsNorm.eps;
  const norms = [traced.embeddingsNorm, ...traced.layers.flatMap((l) => [l.attentionNorm, l.outputNorm])];
  if (norms.some((n) => Math.abs(n.eps - eps) > 1e-12 * Math.max(1, eps))) throw unmappable(graph.path, 'the LayerNorms use different epsilons');
  const first = traced.layers[0];
  if (traced.layers.length !== info.dims.numHiddenLayers) throw unmappable(graph.path, `the graph has ${traced.layers.length} layers, but the config says ${info.dims.numHiddenLayers}`);
  if (first?.q.inFeatures !== hidden || first.q.outFeatures !== hidden) throw unmappable(graph.path, `the query projection is not [${hidden}, ${hidden}]`);
  const numLabels = traced.head?.classifier.outFeatures ?? 0;
  const desc: SendnnEncoderDesc = {
    vocabSize: traced.word.length / hidden, hiddenSize: hidden, intermediateSize: first.intermediate.outFeatures, numLayers: traced.layers.length,
    numHeads: info.dims.numAttentionHeads, maxPositions: traced.maxPositions, typeVocabSize: traced.typeVocabSize, numLabels,
    pooling: pooling.pooling, classifierActivation: traced.head?.activation ?? 'tanh', layerNormEps: eps,
  };
  const tensors = abiTensors(traced);
  const names = tensors.map((_, i) => String(i));
  const { weights, fingerprint } = packWeights(info.dir, new Map(tensors.map((data, i) => [String(i), { data }])), names, desc);
  const description: PoolingModelDescription = {
    modelDir,
    outputKind: classifier ? 'logits' : 'embedding',
    outputWidth: classifier ? numLabels : hidden,
    normalize: pooling.normalize,
    labels: classifier ? pooling.labels : [],
    scoreActivation: pooling.scoreActivation,
    usesTokenTypeIds: desc.typeVocabSize > 1,
    padTokenId: info.specialTokens.padTokenId ?? 0,
    vocabSize: desc.vocabSize,
  };
  return { modelDir, desc, weights, fingerprint, description };
}

/** Reads any encoder directory the eager backend reads; a model the encoder programs cannot compute is refused naming what is at fault. */
export function loadSendnnEncoderModel(modelDir: string): SendnnEncoderModel {
  try {
    return read(modelDir);
  } catch (error) {
    if (error instanceof EngineError) throw error;
    const reason = error instanceof ModelDirError ? error.message : (error as Error).message;
    throw new EngineError('invalid_config', `sendnn backend: cannot read the encoder directory ${modelDir}: ${reason}`);
  }
}
