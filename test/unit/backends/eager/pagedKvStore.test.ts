import { describe, expect, it } from 'vitest';
import { PagedKvStore } from '../../../../src/backends/eager/pagedKvStore.js';

// 2 heads of dim 2: a token's KV in a [heads][length][dim] tensor is 2 runs of 2 values.
function store(): PagedKvStore {
  return new PagedKvStore({ numBlocks: 4, numLayers: 1, numKvHeads: 2, headDim: 2, dtype: 'float32' });
}

/** A [2 heads][length][2] tensor whose value at (head, t, d) is 1000*head + 10*t + d + 1. */
function present(length: number): Float32Array {
  const data = new Float32Array(2 * length * 2);
  for (let head = 0; head < 2; head++) for (let t = 0; t < length; t++) for (let d = 0; d < 2; d++) data[(head * length + t) * 2 + d] = 1000 * head + 10 * t + d + 1;
  return data;
}

describe('PagedKvStore', () => {
  describe('when a run is scattered to block 0', () => {
    it('should drop it and leave the null block zero', () => {
      const kv = store();
      kv.scatterRun(kv.keys[0]!, present(3), 3, 0, 3, 0, 0);
      kv.scatterToken(kv.keys[0]!, present(3), 0, 3, 1, 0, 5);
      expect(kv.keys[0]!.subarray(0, 2 * 64 * 2).every((value) => value === 0)).toBe(true);
    });
  });

  describe('when tokens are scattered across blocks and gathered back', () => {
    it('should return each position right-aligned, per head, from the blocks the table names', () => {
      const kv = store();
      const source = present(70);
      // positions 0..63 in block 3, 64..69 in block 1 (a table need not be sorted)
      kv.scatterRun(kv.keys[0]!, source, 70, 0, 64, 3, 0);
      kv.scatterRun(kv.keys[0]!, source, 70, 64, 6, 1, 0);
      const target = new Float32Array(2 * 72 * 2).fill(-1);
      kv.gather(kv.keys[0]!, [0, 3, 1], 1, 70, target, 0, 72);
      for (let head = 0; head < 2; head++) {
        expect(Array.from(target.subarray(head * 144, head * 144 + 4))).toEqual([-1, -1, -1, -1]); // 2 left-pad positions untouched
        for (const t of [0, 63, 64, 69]) {
          const at = (head * 72 + 2 + t) * 2;
          expect(Array.from(target.subarray(at, at + 2))).toEqual([1000 * head + 10 * t + 1, 1000 * head + 10 * t + 2]);
        }
      }
    });
  });
});
