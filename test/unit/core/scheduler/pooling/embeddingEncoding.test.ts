import { describe, expect, it } from 'vitest';
import { embeddingFromBase64, embeddingToBase64 } from '../../../../../src/core/scheduler/pooling/index.js';

describe('having an embedding for encoding_format "base64"', () => {
  it('should write float32 little-endian bytes in base64 and read them back exactly', () => {
    const vector = Float32Array.from([1, -2.5, 0.1]);
    const encoded = embeddingToBase64(vector);
    // 1.0f = 00 00 80 3f, -2.5f = 00 00 20 c0, 0.1f = cd cc cc 3d
    expect(Buffer.from(encoded, 'base64').toString('hex')).toBe('0000803f000020c0cdcccc3d');
    expect(Array.from(embeddingFromBase64(encoded))).toEqual(Array.from(vector));
  });
});
