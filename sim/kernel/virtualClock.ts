import type { Clock } from '../../src/core/contracts/clock.js';

/** Simulated time: it moves only when the simulation moves it. */
export class VirtualClock implements Clock {
  private timeS = 0;

  nowS(): number {
    return this.timeS;
  }

  advanceTo(timeS: number): void {
    if (timeS < this.timeS) throw new RangeError(`Virtual time cannot go back from ${this.timeS}s to ${timeS}s.`);
    this.timeS = timeS;
  }
}
