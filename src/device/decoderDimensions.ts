import type { StepTimeModel } from './stepTime.js';

/**
 * The numbers of a Llama-style decoder that its step time and its per-card bytes depend on. The sendnn
 * backend's model description has these fields; the simulator reads them from a preset, a model directory's
 * config.json or {@link NAMED_DECODERS}.
 */
export interface DecoderDimensions {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly tieWordEmbeddings: boolean;
}

/** Trained parameters: attention (q, k, v, o), the SwiGLU MLP, two norms per layer, embeddings (lm head unless tied), the final norm. */
export function decoderParameterCount(d: DecoderDimensions): number {
  const q = d.numHeads * d.headDim;
  const kv = d.numKvHeads * d.headDim;
  const perLayer = 2 * d.hiddenSize * q + 2 * d.hiddenSize * kv + 3 * d.hiddenSize * d.intermediateSize + 2 * d.hiddenSize;
  const embeddings = d.vocabSize * d.hiddenSize * (d.tieWordEmbeddings ? 1 : 2);
  return d.numLayers * perLayer + embeddings + d.hiddenSize;
}

/** The decoder as the step-time formula sees it: fp16 on the card (2 bytes per weight and KV element). */
export function stepTimeModelOf(d: DecoderDimensions): StepTimeModel {
  return { numParams: decoderParameterCount(d), numLayers: d.numLayers, hiddenSize: d.hiddenSize, numKvHeads: d.numKvHeads, headDim: d.headDim, bytesPerElement: 2 };
}

/** ibm-granite/granite-3.3-8b-instruct's config.json: 40 layers, hidden 4096, 32 heads, 8 KV heads of 128, intermediate 12800, vocabulary 49159, tied embeddings (8.17·10⁹ parameters). */
export const GRANITE_3_3_8B_INSTRUCT: DecoderDimensions = {
  vocabSize: 49159,
  hiddenSize: 4096,
  intermediateSize: 12800,
  numLayers: 40,
  numHeads: 32,
  numKvHeads: 8,
  headDim: 128,
  tieWordEmbeddings: true,
};

/** Decoders known by name, without a model directory (the simulator's scenarios name them in `config.model`). */
export const NAMED_DECODERS: Readonly<Record<string, DecoderDimensions>> = {
  'granite-3.3-8b-instruct': GRANITE_3_3_8B_INSTRUCT,
  'ibm-granite/granite-3.3-8b-instruct': GRANITE_3_3_8B_INSTRUCT,
};

