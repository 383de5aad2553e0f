import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortNonNegative } from '../../../sim/report/radixSort.js';

describe('having non-negative latencies to sort', () => {
  it('should order any of them exactly as the built-in numeric sort does', () => {
    const value = fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, 1e-9, 0.0231, 5e-324, Number.MAX_VALUE));
    fc.assert(
      fc.property(fc.array(value, { minLength: 2048, maxLength: 5000 }), (values) => {
        const input = Float64Array.from(values);
        expect(Array.from(sortNonNegative(input.slice()))).toEqual(Array.from(input.slice().sort()));
      }),
      { numRuns: 20 },
    );
  });

  it('when a value is negative, should still sort (by the built-in sort)', () => {
    const values = Float64Array.from({ length: 3000 }, (_, index) => ((index * 7919) % 3000) - 10);
    expect(Array.from(sortNonNegative(values.slice()))).toEqual(Array.from(values.slice().sort()));
  });
});
