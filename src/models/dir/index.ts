export { readModelDir, requireTokenizer } from './readModelDir.js';
export { ModelDirError, type ModelDirErrorKind } from './modelDirError.js';
export type {
  ConfigSource, DecoderIoNames, DecoderModelType, EncoderModelType, KvCacheNames, ModelDims, ModelDirInfo, ModelKind,
  SpecialTokenIds, SupportedModelType, TokenizerFiles,
} from './modelDirInfo.js';
export { DECODER_MODEL_TYPES, ENCODER_MODEL_TYPES } from './modelDirInfo.js';
