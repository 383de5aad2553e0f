import { mulberry32 } from '../../util/mulberry32.js';

/**
 * A request's seeded generator (mulberry32): 32 bits of state, so one per request costs nothing, and the
 * same seed gives the same stream on every machine. Not for cryptography.
 */
export class SeededRandom {
  private readonly nextFloat: () => number;

  constructor(seed: number) {
    // Mix the seed so that nearby seeds (0, 1, 2 …) start far apart.
    this.nextFloat = mulberry32((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ (seed >>> 16)) >>> 0);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextFloat();
  }

  /** An unsigned 32-bit integer, e.g. to seed another generator. */
  nextUint32(): number {
    return Math.floor(this.nextFloat() * 4294967296) >>> 0;
  }
}
