import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestQueue } from '../../src/core/scheduler/requestQueue.js';

type Operation = { readonly kind: 'push' | 'unshift'; readonly value: number } | { readonly kind: 'shift' } | { readonly kind: 'retainOdd' };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('push' as const, 'unshift' as const), value: fc.integer({ min: 0, max: 1000 }) }),
  fc.constant({ kind: 'shift' as const }),
  fc.constant({ kind: 'retainOdd' as const }),
);

describe('RequestQueue', () => {
  it('should hold the same items in the same order as an array given the same operations, across wraps and growth', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const queue = new RequestQueue<number>();
        let model: number[] = [];
        for (const op of operations) {
          if (op.kind === 'push') {
            queue.push(op.value);
            model.push(op.value);
          } else if (op.kind === 'unshift') {
            queue.unshift(op.value);
            model.unshift(op.value);
          } else if (op.kind === 'shift') {
            expect(queue.shift()).toBe(model.shift());
          } else {
            queue.retain((value) => value % 2 === 1);
            model = model.filter((value) => value % 2 === 1);
          }
          expect(queue.length).toBe(model.length);
          expect(queue.first()).toBe(model[0]);
        }
        expect(queue.toArray()).toEqual(model);
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});
