import type { DecoderShape } from '../llama/decoderShape.js';

// The shapes the builder knows. Hyperparameters only; the tokenizer decides the vocabulary size,
// since a model whose logits name ids the tokenizer cannot decode would be useless for serving.

/**
 * Architecture of a Llama-style decoder preset: a decoder shape whose vocabulary comes from the tokenizer
 * the builder trains (`tokenizerMerges`), not from the preset.
 */
export interface ModelPreset extends Omit<DecoderShape, 'vocabSize'> {
  readonly name: PresetName;
  /** Number of BPE merges to learn; vocabulary = specials + 256 bytes + merges actually learnt. */
  readonly tokenizerMerges: number;
}

export type PresetName = 'tiny' | 'tiny-granite' | 'small-100m';

export const PRESET_NAMES: readonly PresetName[] = ['tiny', 'tiny-granite', 'small-100m'];

// Untied lm_head, so the tests cover the path the larger preset does not take.
const TINY: ModelPreset = {
  name: 'tiny',
  hiddenSize: 64,
  intermediateSize: 176,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
  headDim: 16,
  maxPositionEmbeddings: 2048,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: false,
  tokenizerMerges: 253,
};

const PRESETS: Readonly<Record<PresetName, ModelPreset>> = {
  tiny: TINY,
  // tiny as a Granite (config model_type "granite"), with granite-3.3-8b-instruct's multipliers except the
  // attention one, which is 1/32 here (not 1/sqrt(16) = 0.25), so dropping any of the four changes the logits.
  'tiny-granite': {
    ...TINY,
    name: 'tiny-granite',
    tieWordEmbeddings: true,
    granite: { embeddingMultiplier: 12, residualMultiplier: 0.22, attentionMultiplier: 0.03125, logitsScaling: 8 },
  },
  // Shaped like SmolLM-135M (hidden 576, 30 layers, 9 heads of 64, 3 KV heads, SwiGLU 1536, tied
  // embeddings), with a smaller vocabulary from our own BPE, which lands near 100M parameters.
  'small-100m': {
    name: 'small-100m',
    hiddenSize: 576,
    intermediateSize: 1536,
    numHiddenLayers: 30,
    numAttentionHeads: 9,
    numKeyValueHeads: 3,
    headDim: 64,
    maxPositionEmbeddings: 2048,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: true,
    tokenizerMerges: 7933,
  },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

export function getPreset(name: PresetName): ModelPreset {
  return PRESETS[name];
}
