// config.json as transformers writes it for a BertModel / BertForSequenceClassification, and the
// sentence-transformers files (modules.json, 1_Pooling/config.json) that say how to pool and whether
// to normalise: where vLLM (and sentence-transformers) read an embedding model's pooling.
import { SPECIAL_TOKENS } from '../tokenizer/specialTokens.js';
import type { EncoderShape } from './encoderShape.js';

/** sentence-transformers' activation for a one-label cross-encoder: scores are sigmoid(logit). */
export const SIGMOID_ACTIVATION = 'torch.nn.modules.activation.Sigmoid';

export function encoderConfigJson(shape: EncoderShape): Record<string, unknown> {
  const labels = Array.from({ length: shape.numLabels }, (_, i) => `LABEL_${i}`);
  const classifier = shape.head === 'classifier'
    ? {
      id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])),
      label2id: Object.fromEntries(labels.map((label, i) => [label, i])),
      sentence_transformers: { activation_fn: SIGMOID_ACTIVATION },
    }
    : {};
  return {
    architectures: [shape.head === 'embedding' ? 'BertModel' : 'BertForSequenceClassification'],
    model_type: 'bert',
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    num_hidden_layers: shape.numHiddenLayers,
    num_attention_heads: shape.numAttentionHeads,
    max_position_embeddings: shape.maxPositionEmbeddings,
    type_vocab_size: shape.typeVocabSize,
    layer_norm_eps: shape.layerNormEps,
    vocab_size: shape.vocabSize,
    hidden_act: 'gelu',
    position_embedding_type: 'absolute',
    pad_token_id: SPECIAL_TOKENS.pad.id,
    torch_dtype: 'float32',
    transformers_version: '4.46.0',
    ...classifier,
  };
}

export const POOLING_DIR = '1_Pooling';

/** modules.json: Transformer → Pooling (→ Normalize). */
export function modulesJson(shape: EncoderShape): unknown[] {
  const modules: unknown[] = [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: POOLING_DIR, type: 'sentence_transformers.models.Pooling' },
  ];
  if (shape.normalize) modules.push({ idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' });
  return modules;
}

export function poolingConfigJson(shape: EncoderShape): Record<string, unknown> {
  return {
    word_embedding_dimension: shape.hiddenSize,
    pooling_mode_cls_token: shape.pooling === 'cls',
    pooling_mode_mean_tokens: shape.pooling === 'mean',
    pooling_mode_max_tokens: false,
    pooling_mode_mean_sqrt_len_tokens: false,
    pooling_mode_weightedmean_tokens: false,
    pooling_mode_lasttoken: false,
    include_prompt: true,
  };
}
