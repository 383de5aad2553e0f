// The numbers that fix a Llama decoder's tensor shapes, as read from (or written to) config.json, and Granite's
// multipliers when the decoder is a Granite.
import type { GraniteMultipliers } from './graniteMultipliers.js';

export interface DecoderShape {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  readonly maxPositionEmbeddings: number;
  readonly rmsNormEps: number;
  readonly ropeTheta: number;
  readonly tieWordEmbeddings: boolean;
  /** Present for model_type "granite": the four scalars that set it apart from Llama. */
  readonly granite?: GraniteMultipliers;
}

/** Number of trained parameters (the rotary tables are derived, not counted). */
export function countParameters(shape: DecoderShape): number {
  const h = shape.hiddenSize;
  const attention = h * shape.numAttentionHeads * shape.headDim * 2 + h * shape.numKeyValueHeads * shape.headDim * 2;
  const mlp = 3 * h * shape.intermediateSize;
  const perLayer = attention + mlp + 2 * h;
  const embeddings = shape.vocabSize * h * (shape.tieWordEmbeddings ? 1 : 2);
  return shape.numHiddenLayers * perLayer + embeddings + h;
}
