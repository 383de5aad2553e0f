export { ReferenceSequence, loadReferenceModel, referenceGreedy, referenceLogits, type ReferenceModel } from './referenceModel.js';
export { readFloatInitializers, type FloatTensor } from './onnxInitializers.js';
export { argmax } from './kernels.js';
