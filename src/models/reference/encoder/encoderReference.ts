// The encoders' correctness oracle: one sequence, no padding, no batching, the textbook BERT equations
// over Float32Arrays with float64 sums. Weights come from the ONNX file of a model built by
// buildEncoderModel; the head and pooling from its config files.
import { join } from 'node:path';
import { ConfigReader } from '../../dir/configFields.js';
import { hfDims } from '../../dir/hfDims.js';
import { readJsonObject } from '../../dir/jsonFile.js';
import { readPoolingConfig } from '../../dir/poolingConfig.js';
import type { EncoderShape } from '../../build/encoder/encoderShape.js';
import {
  CLASSIFIER, EMBEDDINGS_NORM, POOLER, POSITION_EMBEDDINGS, TOKEN_TYPE_EMBEDDINGS, WORD_EMBEDDINGS, encoderLayerNames, type DenseNames,
} from '../../build/encoder/encoderWeightNames.js';
import { matVec, softmaxInPlace } from '../kernels.js';
import { readFloatInitializers, type FloatTensor } from '../onnxInitializers.js';

export interface EncoderReferenceModel {
  readonly shape: EncoderShape;
  readonly weights: ReadonlyMap<string, FloatTensor>;
}

export function loadEncoderReference(modelDir: string): EncoderReferenceModel {
  const path = join(modelDir, 'config.json');
  const raw = readJsonObject(path);
  const config = new ConfigReader(raw, path);
  const pooling = readPoolingConfig(modelDir);
  const dims = hfDims(config);
  const head = (raw['architectures'] as unknown[] | undefined)?.some((a) => String(a).endsWith('ForSequenceClassification')) ? 'classifier' : 'embedding';
  const shape: EncoderShape = {
    vocabSize: dims.vocabSize,
    hiddenSize: dims.hiddenSize,
    intermediateSize: config.positiveInt('intermediate_size'),
    numHiddenLayers: dims.numHiddenLayers,
    numAttentionHeads: dims.numAttentionHeads,
    maxPositionEmbeddings: dims.maxPositionEmbeddings,
    typeVocabSize: config.positiveInt('type_vocab_size'),
    layerNormEps: config.positiveNumber('layer_norm_eps', 1e-12),
    head,
    numLabels: pooling.labels.length,
    pooling: pooling.pooling === 'mean' ? 'mean' : 'cls',
    normalize: pooling.normalize,
  };
  return { shape, weights: readFloatInitializers(join(modelDir, 'onnx', 'model.onnx')) };
}

function weight(model: EncoderReferenceModel, name: string): Float32Array {
  const tensor = model.weights.get(name);
  if (!tensor) throw new Error(`encoder reference: initializer ${name} not found in onnx/model.onnx`);
  return tensor.data;
}

function row(model: EncoderReferenceModel, table: string, index: number): Float32Array {
  const h = model.shape.hiddenSize;
  return weight(model, table).slice(index * h, (index + 1) * h);
}

function dense(model: EncoderReferenceModel, x: Float32Array, names: DenseNames): Float32Array {
  const bias = weight(model, names.bias);
  const out = matVec(x, weight(model, names.weight), bias.length);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (bias[i] as number);
  return out;
}

function layerNorm(model: EncoderReferenceModel, x: Float32Array, names: DenseNames): Float32Array {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) * (v - mean);
  const inverseStd = 1 / Math.sqrt(variance / x.length + model.shape.layerNormEps);
  const gain = weight(model, names.weight);
  const bias = weight(model, names.bias);
  return x.map((v, i) => (v - mean) * inverseStd * (gain[i] as number) + (bias[i] as number));
}

function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** erf to ~1e-16 by its Taylor series (small |x|) or continued fraction tail; plenty for an fp32 check. */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  if (a > 6) return sign;
  let sum = 0;
  let term = a;
  for (let n = 0; n < 200; n++) {
    const next = term / (2 * n + 1);
    sum += next;
    term *= (-a * a) / (n + 1);
    if (Math.abs(next) < 1e-17) break;
  }
  return (sign * 2 * sum) / Math.sqrt(Math.PI);
}

function selfAttention(model: EncoderReferenceModel, layer: number, xs: readonly Float32Array[]): Float32Array[] {
  const s = model.shape;
  const d = s.hiddenSize / s.numAttentionHeads;
  const names = encoderLayerNames(layer);
  const q = xs.map((x) => dense(model, x, names.query));
  const k = xs.map((x) => dense(model, x, names.key));
  const v = xs.map((x) => dense(model, x, names.value));
  return xs.map((_, t) => {
    const context = new Float32Array(s.hiddenSize);
    for (let head = 0; head < s.numAttentionHeads; head++) {
      const offset = head * d;
      const scores = new Float64Array(xs.length);
      for (let u = 0; u < xs.length; u++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += (q[t]![offset + i] as number) * (k[u]![offset + i] as number);
        scores[u] = dot / Math.sqrt(d);
      }
      softmaxInPlace(scores);
      for (let u = 0; u < xs.length; u++) {
        for (let i = 0; i < d; i++) context[offset + i] = (context[offset + i] as number) + (scores[u] as number) * (v[u]![offset + i] as number);
      }
    }
    return dense(model, context, names.attentionOutput);
  });
}

const add = (x: Float32Array, y: Float32Array): Float32Array => x.map((value, i) => value + (y[i] as number));

/** Hidden state of every token of ONE unpadded sequence (token type 0 unless given). */
export function referenceHiddenStates(model: EncoderReferenceModel, tokenIds: readonly number[], tokenTypeIds?: readonly number[]): Float32Array[] {
  const s = model.shape;
  if (tokenIds.length === 0) throw new Error('encoder reference: the sequence must hold at least one token');
  let xs = tokenIds.map((id, position) => {
    if (!Number.isInteger(id) || id < 0 || id >= s.vocabSize) throw new Error(`encoder reference: token id ${id} outside vocabulary of ${s.vocabSize}`);
    const summed = add(add(row(model, WORD_EMBEDDINGS, id), row(model, POSITION_EMBEDDINGS, position)), row(model, TOKEN_TYPE_EMBEDDINGS, tokenTypeIds?.[position] ?? 0));
    return layerNorm(model, summed, EMBEDDINGS_NORM);
  });
  for (let layer = 0; layer < s.numHiddenLayers; layer++) {
    const names = encoderLayerNames(layer);
    const attended = selfAttention(model, layer, xs);
    xs = xs.map((x, t) => layerNorm(model, add(x, attended[t]!), names.attentionNorm));
    xs = xs.map((x) => {
      const ffn = dense(model, dense(model, x, names.intermediate).map(gelu), names.output);
      return layerNorm(model, add(x, ffn), names.outputNorm);
    });
  }
  return xs;
}

/** The sentence embedding: mean or CLS pooling, L2-normalised when the model says so. */
export function referenceEmbedding(model: EncoderReferenceModel, tokenIds: readonly number[]): Float32Array {
  const states = referenceHiddenStates(model, tokenIds);
  const pooled = new Float64Array(model.shape.hiddenSize);
  const used = model.shape.pooling === 'mean' ? states : states.slice(0, 1);
  for (const state of used) for (let i = 0; i < pooled.length; i++) pooled[i] = (pooled[i] as number) + (state[i] as number) / used.length;
  let norm = 0;
  for (const v of pooled) norm += v * v;
  const scale = model.shape.normalize ? 1 / Math.max(Math.sqrt(norm), 1e-12) : 1;
  return Float32Array.from(pooled, (v) => v * scale);
}

/** The classifier's logits for ONE sequence (for a cross-encoder: [CLS] query [SEP] doc [SEP]). */
export function referenceClassifierLogits(model: EncoderReferenceModel, tokenIds: readonly number[], tokenTypeIds?: readonly number[]): Float32Array {
  if (model.shape.head !== 'classifier') throw new Error('encoder reference: this model has no classifier head');
  const cls = referenceHiddenStates(model, tokenIds, tokenTypeIds)[0]!;
  const pooled = dense(model, cls, POOLER).map(Math.tanh);
  return dense(model, pooled, CLASSIFIER);
}
