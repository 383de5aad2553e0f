// Dimensions from a Hugging Face config.json. The field names differ by family (GPT-2 says n_embd,
// DistilBERT says dim), so each number is read from the first of its known spellings.
import type { ConfigReader } from './configFields.js';
import type { ModelDims } from './modelDirInfo.js';

export function hfDims(config: ConfigReader): ModelDims {
  const hiddenSize = config.positiveInt('hidden_size', 'n_embd', 'dim', 'd_model');
  const numAttentionHeads = config.positiveInt('num_attention_heads', 'n_head', 'n_heads');
  const headDim = config.optionalPositiveInt('head_dim') ?? hiddenSize / numAttentionHeads;
  if (!Number.isInteger(headDim)) config.positiveInt('head_dim'); // throws: head_dim is needed when heads do not divide hidden_size
  return {
    hiddenSize,
    numHiddenLayers: config.positiveInt('num_hidden_layers', 'n_layer', 'n_layers'),
    numAttentionHeads,
    numKeyValueHeads: config.optionalPositiveInt('num_key_value_heads') ?? numAttentionHeads,
    headDim,
    vocabSize: config.positiveInt('vocab_size'),
    maxPositionEmbeddings: config.positiveInt('max_position_embeddings', 'n_positions'),
  };
}
