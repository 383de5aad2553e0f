import { describe, expect, it } from 'vitest';
import { WorkSignal } from '../../../../src/core/engine/workSignal.js';

/** Whether `promise` has settled once the microtasks queued so far have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('WorkSignal', () => {
  describe('having the loop waiting on next()', () => {
    it('should stay asleep until notify(), then wake', async () => {
      const signal = new WorkSignal();
      const waiting = signal.next();
      expect(await settled(waiting)).toBe(false);
      signal.notify();
      expect(await settled(waiting)).toBe(true);
    });
  });

  describe('when notify() comes with nobody waiting', () => {
    it('should drop it: a later next() waits for the next notify()', async () => {
      const signal = new WorkSignal();
      signal.notify();
      const waiting = signal.next();
      expect(await settled(waiting)).toBe(false);
      signal.notify();
      expect(await settled(waiting)).toBe(true);
    });
  });
});
