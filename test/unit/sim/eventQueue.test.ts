import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../sim/kernel/eventQueue.js';

describe('having an event queue', () => {
  describe('when events share a time', () => {
    it('should run the lower priority first, then the earlier scheduled', () => {
      const queue = new EventQueue();
      queue.push(1, 2, 10);
      queue.push(1, 0, 11);
      queue.push(0.5, 9, 12);
      queue.push(1, 0, 13);
      expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()]).toEqual([12, 11, 13, 10]);
    });
  });

  describe('when it is empty', () => {
    it('should report an infinite next time and refuse to pop', () => {
      const queue = new EventQueue();
      expect(queue.peekTimeS()).toBe(Number.POSITIVE_INFINITY);
      expect(() => queue.pop()).toThrow(RangeError);
    });
  });

  describe('when it grows past its initial capacity', () => {
    it('should keep every event', () => {
      const queue = new EventQueue(1);
      for (let i = 100; i > 0; i--) queue.push(i, 0, i);
      const popped: number[] = [];
      while (queue.size > 0) popped.push(queue.pop());
      expect(popped).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });
  });
});
