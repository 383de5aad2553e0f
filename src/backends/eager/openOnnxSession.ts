import * as ort from 'onnxruntime-node';
import { eagerModelError } from './eagerModelError.js';

/** Opens an ONNX graph on the CPU with full graph optimisation; a file onnxruntime refuses is named in the error. */
export async function openOnnxSession(onnxModelPath: string, intraOpNumThreads: number | undefined): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(onnxModelPath, {
      graphOptimizationLevel: 'all',
      ...(intraOpNumThreads !== undefined ? { intraOpNumThreads } : {}),
    });
  } catch (error) {
    throw eagerModelError(onnxModelPath, `onnxruntime could not load the model: ${(error as Error).message}`);
  }
}
