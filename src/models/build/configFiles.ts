// config.json and generation_config.json as transformers writes them for a LlamaForCausalLM (or a
// GraniteForCausalLM, when the shape carries Granite's multipliers).
import type { DecoderShape } from '../llama/decoderShape.js';
import { GRANITE_CONFIG_FIELDS } from '../llama/graniteMultipliers.js';
import { SPECIAL_TOKENS } from './tokenizer/specialTokens.js';

function graniteFields(shape: DecoderShape): Record<string, number> {
  const granite = shape.granite;
  if (granite === undefined) return {};
  return Object.fromEntries(Object.entries(GRANITE_CONFIG_FIELDS).map(([key, field]) => [field, granite[key as keyof typeof GRANITE_CONFIG_FIELDS]]));
}

export function configJson(shape: DecoderShape): Record<string, unknown> {
  return {
    architectures: [shape.granite ? 'GraniteForCausalLM' : 'LlamaForCausalLM'],
    model_type: shape.granite ? 'granite' : 'llama',
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    num_hidden_layers: shape.numHiddenLayers,
    num_attention_heads: shape.numAttentionHeads,
    num_key_value_heads: shape.numKeyValueHeads,
    head_dim: shape.headDim,
    vocab_size: shape.vocabSize,
    max_position_embeddings: shape.maxPositionEmbeddings,
    rms_norm_eps: shape.rmsNormEps,
    rope_theta: shape.ropeTheta,
    rope_scaling: null,
    hidden_act: 'silu',
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: shape.tieWordEmbeddings,
    ...graniteFields(shape),
    bos_token_id: SPECIAL_TOKENS.bos.id,
    eos_token_id: SPECIAL_TOKENS.eos.id,
    pad_token_id: SPECIAL_TOKENS.pad.id,
    torch_dtype: 'float32',
    use_cache: true,
    transformers_version: '4.46.0',
  };
}

export function generationConfigJson(): Record<string, unknown> {
  return {
    bos_token_id: SPECIAL_TOKENS.bos.id,
    eos_token_id: SPECIAL_TOKENS.eos.id,
    pad_token_id: SPECIAL_TOKENS.pad.id,
    do_sample: false,
    transformers_version: '4.46.0',
  };
}
