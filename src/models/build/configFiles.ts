// config.json and generation_config.json as transformers writes them for a LlamaForCausalLM.
import type { DecoderShape } from '../llama/decoderShape.js';
import { SPECIAL_TOKENS } from './tokenizer/specialTokens.js';

export function configJson(shape: DecoderShape): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
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
