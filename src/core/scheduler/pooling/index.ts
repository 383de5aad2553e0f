export { formPoolingBatch, type PoolingBatchChoice } from './formPoolingBatch.js';
export { padPoolingBatch, type QueuedPoolingRequest } from './padPoolingBatch.js';
export type * from './poolingResults.js';
export { PoolingScheduler } from './poolingScheduler.js';
export { checkPromptFits, largestWarmupShape } from './promptFit.js';
export { checkWarmupMemory, describeEstimate, estimateEncoderShapeMemory, type EncoderMemoryFacts } from './shapeMemory.js';
export { l2Normalized, sigmoid, softmax } from './poolingActivations.js';
export { embeddingFromBase64, embeddingToBase64 } from './embeddingEncoding.js';
