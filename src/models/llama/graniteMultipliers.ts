// Granite's four scalars on top of the Llama decoder (transformers' GraniteForCausalLM): the embedding is
// scaled after the lookup, each attention and MLP output before it joins the residual stream, the attention
// scores by attention_multiplier instead of 1/sqrt(head_dim), and the final logits are divided by
// logits_scaling.
import type { ConfigReader } from '../dir/configFields.js';

export interface GraniteMultipliers {
  readonly embeddingMultiplier: number;
  readonly residualMultiplier: number;
  readonly attentionMultiplier: number;
  readonly logitsScaling: number;
}

export const GRANITE_CONFIG_FIELDS = {
  embeddingMultiplier: 'embedding_multiplier',
  residualMultiplier: 'residual_multiplier',
  attentionMultiplier: 'attention_multiplier',
  logitsScaling: 'logits_scaling',
} as const satisfies Record<keyof GraniteMultipliers, string>;

/** The four fields of a granite config.json; an absent one takes transformers' GraniteConfig default. */
export function readGraniteMultipliers(config: ConfigReader): GraniteMultipliers {
  return {
    embeddingMultiplier: config.positiveNumber(GRANITE_CONFIG_FIELDS.embeddingMultiplier, 1),
    residualMultiplier: config.positiveNumber(GRANITE_CONFIG_FIELDS.residualMultiplier, 1),
    attentionMultiplier: config.positiveNumber(GRANITE_CONFIG_FIELDS.attentionMultiplier, 1),
    logitsScaling: config.positiveNumber(GRANITE_CONFIG_FIELDS.logitsScaling, 1),
  };
}

/** The attention scores' scale: Granite's multiplier, or Llama's 1/sqrt(head_dim). */
export function attentionScale(granite: GraniteMultipliers | undefined, headDim: number): number {
  return granite?.attentionMultiplier ?? 1 / Math.sqrt(headDim);
}
