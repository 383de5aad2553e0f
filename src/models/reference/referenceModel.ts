// The correctness oracle: a Llama forward pass for ONE sequence, one token at a time, written as
// the textbook equations over Float32Arrays (with Granite's four multipliers from config.json when the
// model is a Granite). No batching, padding, paging or chunking, so none of
// the engine's machinery can hide a mistake in both places at once. Weights come from the ONNX file.
// Logits are typed Float32Array<ArrayBuffer>: always a fresh buffer, and assignable where callers
// hold a plain `new Float32Array(n)`.
import { join } from 'node:path';
import type { DecoderShape } from '../llama/decoderShape.js';
import { attentionScale } from '../llama/graniteMultipliers.js';
import { readLlamaShape } from '../llama/llamaConfig.js';
import { EMBED_TOKENS, FINAL_NORM, LM_HEAD, layerWeightNames, type ProjectionName } from '../llama/weightNames.js';
import { applyRotary, argmax, matVec, rmsNorm, silu, softmaxInPlace } from './kernels.js';
import { readFloatInitializers, type FloatTensor } from './onnxInitializers.js';

export interface ReferenceModel {
  readonly shape: DecoderShape;
  readonly weights: ReadonlyMap<string, FloatTensor>;
}

/** Loads config.json and the ONNX initializers (inline or external) of a model built by `buildModel`. */
export function loadReferenceModel(modelDir: string): ReferenceModel {
  return { shape: readLlamaShape(modelDir), weights: readFloatInitializers(join(modelDir, 'onnx', 'model.onnx')) };
}

function weight(model: ReferenceModel, name: string): Float32Array {
  const tensor = model.weights.get(name);
  if (!tensor) throw new Error(`reference model: initializer ${name} not found in onnx/model.onnx`);
  return tensor.data;
}

/** Keys and values of every position seen so far, per layer: the sequence's attention context. */
interface LayerContext {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
}

function attention(model: ReferenceModel, layer: number, h: Float32Array, position: number, context: LayerContext): Float32Array {
  const s = model.shape;
  const d = s.headDim;
  const project = (name: ProjectionName, width: number): Float32Array => matVec(h, weight(model, layerWeightNames(layer).projection[name]), width);
  const q = project('q_proj', s.numAttentionHeads * d);
  const k = project('k_proj', s.numKeyValueHeads * d);
  const v = project('v_proj', s.numKeyValueHeads * d);
  applyRotary(q, s.numAttentionHeads, d, position, s.ropeTheta);
  applyRotary(k, s.numKeyValueHeads, d, position, s.ropeTheta);
  context.keys.push(k);
  context.values.push(v);
  const headsPerKv = s.numAttentionHeads / s.numKeyValueHeads;
  const out = new Float32Array(s.numAttentionHeads * d);
  const scale = attentionScale(s.granite, d);
  for (let head = 0; head < s.numAttentionHeads; head++) {
    const kvOffset = Math.floor(head / headsPerKv) * d; // grouped-query: query head -> its KV head
    const scores = new Float64Array(context.keys.length);
    context.keys.forEach((key, t) => {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += (q[head * d + i] as number) * (key[kvOffset + i] as number);
      scores[t] = dot * scale;
    });
    softmaxInPlace(scores);
    context.values.forEach((value, t) => {
      for (let i = 0; i < d; i++) out[head * d + i] = (out[head * d + i] as number) + (scores[t] as number) * (value[kvOffset + i] as number);
    });
  }
  return matVec(out, weight(model, layerWeightNames(layer).projection.o_proj), s.hiddenSize);
}

function mlp(model: ReferenceModel, layer: number, h: Float32Array): Float32Array {
  const names = layerWeightNames(layer).projection;
  const width = model.shape.intermediateSize;
  const gate = matVec(h, weight(model, names.gate_proj), width);
  const up = matVec(h, weight(model, names.up_proj), width);
  const activated = gate.map((g, i) => silu(g) * (up[i] as number));
  return matVec(activated, weight(model, names.down_proj), model.shape.hiddenSize);
}

/** x += scale · y: Granite scales each branch before it joins the residual stream (Llama: 1). */
function addInPlace(x: Float32Array, y: Float32Array, scale: number): void {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + scale * (y[i] as number);
}

function lmHead(model: ReferenceModel, h: Float32Array): Float32Array<ArrayBuffer> {
  const logits = unscaledLogits(model, h);
  const scaling = model.shape.granite?.logitsScaling ?? 1;
  for (let i = 0; i < logits.length; i++) logits[i] = (logits[i] as number) / scaling;
  return logits;
}

function unscaledLogits(model: ReferenceModel, h: Float32Array): Float32Array<ArrayBuffer> {
  const s = model.shape;
  if (!s.tieWordEmbeddings) return matVec(h, weight(model, LM_HEAD), s.vocabSize);
  const embed = weight(model, EMBED_TOKENS); // [vocab, hidden]: each row is the output vector of a token
  const logits = new Float32Array(s.vocabSize);
  for (let token = 0; token < s.vocabSize; token++) {
    let dot = 0;
    for (let i = 0; i < s.hiddenSize; i++) dot += (h[i] as number) * (embed[token * s.hiddenSize + i] as number);
    logits[token] = dot;
  }
  return logits;
}

/** A sequence being run through the reference model, one token per `next` call. */
export class ReferenceSequence {
  private readonly contexts: LayerContext[];
  private position = 0;

  constructor(private readonly model: ReferenceModel) {
    this.contexts = Array.from({ length: model.shape.numHiddenLayers }, () => ({ keys: [], values: [] }));
  }

  /** Appends `tokenId` at the next position and returns the logits that predict the token after it. */
  next(tokenId: number): Float32Array<ArrayBuffer> {
    const s = this.model.shape;
    if (!Number.isInteger(tokenId) || tokenId < 0 || tokenId >= s.vocabSize) throw new Error(`reference model: token id ${tokenId} outside vocabulary of ${s.vocabSize}`);
    const embed = weight(this.model, EMBED_TOKENS);
    const embeddingMultiplier = s.granite?.embeddingMultiplier ?? 1;
    const residualMultiplier = s.granite?.residualMultiplier ?? 1;
    const x = embed.slice(tokenId * s.hiddenSize, (tokenId + 1) * s.hiddenSize).map((value) => value * embeddingMultiplier);
    for (let layer = 0; layer < s.numHiddenLayers; layer++) {
      const names = layerWeightNames(layer);
      const context = this.contexts[layer] as LayerContext;
      addInPlace(x, attention(this.model, layer, rmsNorm(x, weight(this.model, names.inputNorm), s.rmsNormEps), this.position, context), residualMultiplier);
      addInPlace(x, mlp(this.model, layer, rmsNorm(x, weight(this.model, names.postAttentionNorm), s.rmsNormEps)), residualMultiplier);
    }
    this.position++;
    return lmHead(this.model, rmsNorm(x, weight(this.model, FINAL_NORM), s.rmsNormEps));
  }
}

const asModel = (model: string | ReferenceModel): ReferenceModel => (typeof model === 'string' ? loadReferenceModel(model) : model);

/** Logits after each of `tokenIds` (positions 0, 1, …); entry i predicts the token at position i + 1. */
export function referenceLogits(model: string | ReferenceModel, tokenIds: readonly number[]): Array<Float32Array<ArrayBuffer>> {
  const sequence = new ReferenceSequence(asModel(model));
  return tokenIds.map((id) => sequence.next(id));
}

/** Greedy continuation of `promptIds` by `maxNewTokens` tokens (no stop on eos: the oracle runs the full length). */
export function referenceGreedy(model: string | ReferenceModel, promptIds: readonly number[], maxNewTokens: number): number[] {
  if (promptIds.length === 0) throw new Error('reference model: the prompt must hold at least one token');
  const sequence = new ReferenceSequence(asModel(model));
  let logits = new Float32Array(0);
  for (const id of promptIds) logits = sequence.next(id);
  const generated: number[] = [];
  while (generated.length < maxNewTokens) {
    const token = argmax(logits);
    generated.push(token);
    if (generated.length < maxNewTokens) logits = sequence.next(token);
  }
  return generated;
}
