export {
  loadEncoderReference, referenceClassifierLogits, referenceEmbedding, referenceHiddenStates, type EncoderReferenceModel,
} from './encoderReference.js';
