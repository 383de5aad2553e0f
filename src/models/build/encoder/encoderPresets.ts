// The encoder presets of `spyre model build`. Hyperparameters only; the vocabulary comes from the tokenizer.
import type { EncoderShape } from './encoderShape.js';

export type EncoderPresetName = 'tiny-embed' | 'tiny-cross-encoder';

export const ENCODER_PRESET_NAMES: readonly EncoderPresetName[] = ['tiny-embed', 'tiny-cross-encoder'];

export interface EncoderPreset extends Omit<EncoderShape, 'vocabSize'> {
  readonly name: EncoderPresetName;
  /** BPE merges to learn (the same tokenizer builder as the decoders). */
  readonly tokenizerMerges: number;
}

const TINY_ENCODER = {
  hiddenSize: 64,
  intermediateSize: 128,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  tokenizerMerges: 253,
} as const;

const PRESETS: Readonly<Record<EncoderPresetName, EncoderPreset>> = {
  // all-MiniLM-style: mean pooling over unmasked tokens, then L2 normalisation.
  'tiny-embed': { name: 'tiny-embed', ...TINY_ENCODER, head: 'embedding', numLabels: 1, pooling: 'mean', normalize: true },
  // ms-marco cross-encoder style: [CLS] query [SEP] doc [SEP] → one relevance logit.
  'tiny-cross-encoder': { name: 'tiny-cross-encoder', ...TINY_ENCODER, head: 'classifier', numLabels: 1, pooling: 'cls', normalize: false },
};

export function isEncoderPresetName(name: string): name is EncoderPresetName {
  return (ENCODER_PRESET_NAMES as readonly string[]).includes(name);
}

export function getEncoderPreset(name: EncoderPresetName): EncoderPreset {
  return PRESETS[name];
}
