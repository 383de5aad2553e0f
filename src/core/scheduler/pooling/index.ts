export { formPoolingBatch, type PoolingBatchChoice } from './formPoolingBatch.js';
export { padPoolingBatch, type QueuedPoolingRequest } from './padPoolingBatch.js';
export { PoolingEngine } from './poolingEngine.js';
export type * from './poolingResults.js';
export { PoolingScheduler } from './poolingScheduler.js';
export { checkPromptFits, largestWarmupShape } from './promptFit.js';
export { registerPoolingCore } from './registerPoolingCore.js';
export { checkWarmupMemory, describeEstimate, estimateEncoderShapeMemory, type EncoderMemoryFacts } from './shapeMemory.js';
export { l2Normalized, sigmoid, softmax } from './poolingActivations.js';
