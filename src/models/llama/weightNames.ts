// Initializer names shared by the graph builder and the reference forward. Projection weights are
// stored [in_features, out_features], i.e. transposed from PyTorch's Linear layout, so that a plain
// MatMul uses them directly; the `.MatMul.weight` suffix says so.

export const EMBED_TOKENS = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.MatMul.weight';
export const ROPE_COS = 'model.rotary_emb.cos_cached';
export const ROPE_SIN = 'model.rotary_emb.sin_cached';

export type ProjectionName = 'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj';

export interface LayerWeightNames {
  readonly inputNorm: string;
  readonly postAttentionNorm: string;
  readonly projection: Readonly<Record<ProjectionName, string>>;
}

export function layerWeightNames(layer: number): LayerWeightNames {
  const prefix = `model.layers.${layer}`;
  const attention = (name: string): string => `${prefix}.self_attn.${name}.MatMul.weight`;
  const mlp = (name: string): string => `${prefix}.mlp.${name}.MatMul.weight`;
  return {
    inputNorm: `${prefix}.input_layernorm.weight`,
    postAttentionNorm: `${prefix}.post_attention_layernorm.weight`,
    projection: {
      q_proj: attention('q_proj'),
      k_proj: attention('k_proj'),
      v_proj: attention('v_proj'),
      o_proj: attention('o_proj'),
      gate_proj: mlp('gate_proj'),
      up_proj: mlp('up_proj'),
      down_proj: mlp('down_proj'),
    },
  };
}
