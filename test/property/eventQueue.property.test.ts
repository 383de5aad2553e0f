import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../sim/kernel/eventQueue.js';

describe('having an event queue keyed (time, priority, sequence)', () => {
  it('should pop any set of events in the order of a stable sort by (time, priority)', () => {
    const event = fc.record({ timeS: fc.integer({ min: 0, max: 20 }).map((t) => t / 4), priority: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 300 }), (events) => {
        const queue = new EventQueue(2);
        events.forEach((e, index) => queue.push(e.timeS, e.priority, index));
        const popped: number[] = [];
        while (queue.size > 0) popped.push(queue.pop());
        const expected = events
          .map((e, index) => ({ ...e, index }))
          .sort((a, b) => a.timeS - b.timeS || a.priority - b.priority || a.index - b.index)
          .map((e) => e.index);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('should keep the order when pushes and pops interleave, as in a simulation', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 2 })), { maxLength: 300 }), (operations) => {
        const queue = new EventQueue(1);
        const reference: { timeS: number; priority: number; sequence: number }[] = [];
        let sequence = 0;
        for (const [isPop, timeS, priority] of operations) {
          if (isPop && reference.length > 0) {
            reference.sort((a, b) => a.timeS - b.timeS || a.priority - b.priority || a.sequence - b.sequence);
            const expected = reference.shift()!;
            expect(queue.pop()).toBe(expected.sequence);
            expect([queue.poppedTimeS, queue.poppedPriority]).toEqual([expected.timeS, expected.priority]);
          } else {
            queue.push(timeS, priority, sequence);
            reference.push({ timeS, priority, sequence: sequence++ });
          }
          expect(queue.size).toBe(reference.length);
        }
      }),
    );
  });
});
