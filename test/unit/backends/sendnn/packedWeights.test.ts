import { describe, expect, it } from 'vitest';
import { packWeights } from '../../../../src/backends/sendnn/packedWeights.js';
import { engineErrorOf } from '../../../support/engineErrors.js';

const tensors = new Map([
  ['a', { data: Float32Array.of(1, 2) }],
  ['b', { data: Float32Array.of(3) }],
]);

describe('having named initializers to upload', () => {
  it('should lay them end to end in the order the ABI names them', () => {
    expect(Array.from(packWeights('m', tensors, ['b', 'a'], {}).weights)).toEqual([3, 1, 2]);
  });

  it('should fingerprint both the description and the weights', () => {
    const base = packWeights('m', tensors, ['a', 'b'], { layers: 1 }).fingerprint;
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(packWeights('m', tensors, ['a', 'b'], { layers: 2 }).fingerprint).not.toBe(base);
    expect(packWeights('m', tensors, ['b', 'a'], { layers: 1 }).fingerprint).not.toBe(base);
  });

  it('when an initializer is missing, should name the model file and the tensor', () => {
    expect(engineErrorOf(() => packWeights('/models/x', tensors, ['a', 'lm_head.weight'], {}), 'invalid_config').message).toBe(
      'sendnn backend: /models/x/onnx/model.onnx has no initializer lm_head.weight',
    );
  });
});
