export { buildEncoderModel, type BuildEncoderModelOptions, type BuiltEncoderModel } from './buildEncoderModel.js';
export { ENCODER_PRESET_NAMES, getEncoderPreset, isEncoderPresetName, type EncoderPreset, type EncoderPresetName } from './encoderPresets.js';
export { countEncoderParameters, headDimOf, type EncoderHead, type EncoderShape, type PoolingMode } from './encoderShape.js';
export { CLS_TOKEN, SEP_TOKEN } from './encoderTokenizerFiles.js';
