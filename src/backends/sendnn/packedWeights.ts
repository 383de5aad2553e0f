import { createHash } from 'node:crypto';
import { EngineError } from '../../core/contracts/errors.js';

/** Weights laid end to end in the order the ABI reads them, and a fingerprint of them and their shape. */
export interface PackedWeights {
  readonly weights: Float32Array;
  /** sha256 of the description and the weights, 32 hex digits: part of every compiled program's cache key. */
  readonly fingerprint: string;
}

/**
 * Packs the named initializers into one buffer for upload to the device. A missing initializer names the
 * model file and the tensor.
 */
export function packWeights(
  modelDir: string,
  tensorsByName: ReadonlyMap<string, { readonly data: Float32Array }>,
  names: readonly string[],
  description: unknown,
): PackedWeights {
  const tensors = names.map((name) => {
    const tensor = tensorsByName.get(name);
    if (tensor === undefined) throw new EngineError('invalid_config', `sendnn backend: ${modelDir}/onnx/model.onnx has no initializer ${name}`);
    return tensor.data;
  });
  const weights = new Float32Array(tensors.reduce((sum, tensor) => sum + tensor.length, 0));
  let offset = 0;
  for (const tensor of tensors) {
    weights.set(tensor, offset);
    offset += tensor.length;
  }
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(description))
    .update(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength))
    .digest('hex')
    .slice(0, 32);
  return { weights, fingerprint };
}
