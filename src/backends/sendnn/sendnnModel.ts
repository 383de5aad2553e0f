// A model directory as the sendnn ABI wants it: the decoder description and one flat float32 array of
// weights in the ABI's order (sendnn_abi.h), plus a fingerprint of both for cache keys.
import { EngineError } from '../../core/contracts/errors.js';
import { ModelDirError } from '../../models/dir/index.js';
import { importDecoder } from './import/importDecoder.js';
import type { SendnnModelDesc } from './sendnnTypes.js';

export interface SendnnModel {
  readonly modelDir: string;
  readonly desc: SendnnModelDesc;
  readonly weights: Float32Array;
  /** sha256 (hex, 32 chars) of the description and the weights: what the compiled programs depend on. */
  readonly fingerprint: string;
}

/**
 * Reads any decoder directory the eager backend reads (config.json or genai_config.json; float32 or float16
 * initializers): the weights are found by tracing the ONNX graph. A model the programs cannot compute is
 * refused naming the operator, field or tensor at fault.
 */
export function loadSendnnModel(modelDir: string): SendnnModel {
  try {
    const { desc, weights, fingerprint } = importDecoder(modelDir);
    return { modelDir, desc, weights, fingerprint };
  } catch (error) {
    if (error instanceof EngineError) throw error;
    const reason = error instanceof ModelDirError ? error.message : `${(error as Error).message}`;
    throw new EngineError('invalid_config', `sendnn backend: cannot read the model directory ${modelDir}: ${reason}`);
  }
}
