// What tensors a decoder has and how each is initialised. The values themselves are made one
// tensor at a time (`materialise`), so a 400 MB model never has to sit in memory twice.
import type { DecoderShape } from '../llama/decoderShape.js';
import { EMBED_TOKENS, FINAL_NORM, LM_HEAD, ROPE_COS, ROPE_SIN, layerWeightNames } from '../llama/weightNames.js';
import { fillUniform, streamSeed } from './prng.js';

export type WeightInit =
  | { readonly kind: 'uniform'; readonly mean: number; readonly std: number }
  | { readonly kind: 'rope'; readonly part: 'cos' | 'sin' };

export interface PlannedWeight {
  readonly name: string;
  readonly dims: readonly number[];
  readonly init: WeightInit;
}

// Scales chosen so that a random model still gives varied greedy output: 1/sqrt(fan_in) projections
// keep activations O(1) through the layers, and norm weights around 1 (with some spread, so a wrong
// norm weight would show) keep the logits' spread near 1. Tied embeddings are the exception that
// needs care: the input token's own embedding stays in the residual stream, so with unit-variance
// embeddings its logit would be ~hidden_size and the model would repeat its input forever. At
// 1/sqrt(hidden) the embedding both keeps the logits near unit spread and stays a small part of
// the residual stream (RMSNorm rescales it for the first layer anyway).
const uniform = (std: number, mean = 0): WeightInit => ({ kind: 'uniform', mean, std });
const projection = (fanIn: number): WeightInit => uniform(1 / Math.sqrt(fanIn));
const NORM = uniform(0.1, 1);

export function planWeights(shape: DecoderShape): readonly PlannedWeight[] {
  const h = shape.hiddenSize;
  const qWidth = shape.numAttentionHeads * shape.headDim;
  const kvWidth = shape.numKeyValueHeads * shape.headDim;
  const halfHead = shape.headDim / 2;
  const plan: PlannedWeight[] = [
    { name: EMBED_TOKENS, dims: [shape.vocabSize, h], init: uniform(shape.tieWordEmbeddings ? 1 / Math.sqrt(h) : 1) },
    { name: ROPE_COS, dims: [shape.maxPositionEmbeddings, halfHead], init: { kind: 'rope', part: 'cos' } },
    { name: ROPE_SIN, dims: [shape.maxPositionEmbeddings, halfHead], init: { kind: 'rope', part: 'sin' } },
  ];
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    const names = layerWeightNames(layer);
    plan.push(
      { name: names.inputNorm, dims: [h], init: NORM },
      { name: names.projection.q_proj, dims: [h, qWidth], init: projection(h) },
      { name: names.projection.k_proj, dims: [h, kvWidth], init: projection(h) },
      { name: names.projection.v_proj, dims: [h, kvWidth], init: projection(h) },
      { name: names.projection.o_proj, dims: [qWidth, h], init: projection(qWidth) },
      { name: names.postAttentionNorm, dims: [h], init: NORM },
      { name: names.projection.gate_proj, dims: [h, shape.intermediateSize], init: projection(h) },
      { name: names.projection.up_proj, dims: [h, shape.intermediateSize], init: projection(h) },
      { name: names.projection.down_proj, dims: [shape.intermediateSize, h], init: projection(shape.intermediateSize) },
    );
  }
  plan.push({ name: FINAL_NORM, dims: [h], init: NORM });
  if (!shape.tieWordEmbeddings) plan.push({ name: LM_HEAD, dims: [h, shape.vocabSize], init: projection(h) });
  return plan;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/** cos/sin of position * theta^(-2i/headDim), i < headDim/2, computed in float64 then rounded once. */
function fillRope(out: Float32Array, shape: DecoderShape, part: 'cos' | 'sin'): void {
  const halfHead = shape.headDim / 2;
  for (let position = 0; position < shape.maxPositionEmbeddings; position++) {
    for (let i = 0; i < halfHead; i++) {
      const angle = position * Math.pow(shape.ropeTheta, (-2 * i) / shape.headDim);
      out[position * halfHead + i] = part === 'cos' ? Math.cos(angle) : Math.sin(angle);
    }
  }
}

export function materialise(weight: PlannedWeight, shape: DecoderShape, seed: number): Float32Array {
  const values = new Float32Array(elementCount(weight.dims));
  if (weight.init.kind === 'rope') fillRope(values, shape, weight.init.part);
  else fillUniform(values, streamSeed(seed, weight.name), weight.init.mean, weight.init.std);
  return values;
}
