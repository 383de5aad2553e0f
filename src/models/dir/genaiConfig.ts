// onnxruntime-genai's genai_config.json: used when a directory has no Hugging Face config.json
// (the model builder writes only this one), and for the I/O names it declares.
import type { ConfigReader } from './configFields.js';
import type { DecoderIoNames, KvCacheNames, ModelDims } from './modelDirInfo.js';

export const OPTIMUM_DECODER_IO: DecoderIoNames = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  logits: 'logits',
  kvCache: {
    layout: 'separate',
    pastKey: 'past_key_values.%d.key',
    pastValue: 'past_key_values.%d.value',
    presentKey: 'present.%d.key',
    presentValue: 'present.%d.value',
  },
};

/** The `model.decoder` block, or the reason it is missing, named by the caller. */
export function genaiDecoder(genai: ConfigReader): ConfigReader | undefined {
  return genai.object('model')?.object('decoder');
}

export function genaiDims(model: ConfigReader, decoder: ConfigReader): ModelDims {
  const numKeyValueHeads = decoder.positiveInt('num_key_value_heads');
  const numAttentionHeads = decoder.has('num_attention_heads') ? decoder.positiveInt('num_attention_heads') : numKeyValueHeads;
  const headDim = decoder.positiveInt('head_size');
  return {
    hiddenSize: decoder.has('hidden_size') ? decoder.positiveInt('hidden_size') : numAttentionHeads * headDim,
    numHiddenLayers: decoder.positiveInt('num_hidden_layers'),
    numAttentionHeads,
    numKeyValueHeads,
    headDim,
    vocabSize: model.positiveInt('vocab_size'),
    maxPositionEmbeddings: model.positiveInt('context_length'),
  };
}

export function genaiDecoderIo(decoder: ConfigReader | undefined): DecoderIoNames {
  const inputs = decoder?.object('inputs');
  const outputs = decoder?.object('outputs');
  const defaults = OPTIMUM_DECODER_IO;
  const stackedPast = inputs?.optionalString('past_names');
  const kvCache: KvCacheNames = stackedPast !== undefined
    ? { layout: 'stacked', past: stackedPast, present: outputs?.optionalString('present_names') ?? 'present_%d' }
    : {
      layout: 'separate',
      pastKey: inputs?.optionalString('past_key_names') ?? 'past_key_values.%d.key',
      pastValue: inputs?.optionalString('past_value_names') ?? 'past_key_values.%d.value',
      presentKey: outputs?.optionalString('present_key_names') ?? 'present.%d.key',
      presentValue: outputs?.optionalString('present_value_names') ?? 'present.%d.value',
    };
  return {
    inputIds: inputs?.optionalString('input_ids') ?? defaults.inputIds,
    attentionMask: inputs?.optionalString('attention_mask') ?? defaults.attentionMask,
    positionIds: inputs?.optionalString('position_ids') ?? defaults.positionIds,
    logits: outputs?.optionalString('logits') ?? defaults.logits,
    kvCache,
  };
}
