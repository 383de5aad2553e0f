import { mulberry32 } from '../../src/core/util/mulberry32.js';

/** A seed for stream `stream` of a workload seeded with `seed`: streams stay independent of each other. */
export function deriveSeed(seed: number, stream: number): number {
  let hash = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13) ^ Math.imul(stream + 1, 0xc2b2ae35), 0x27d4eb2f);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * A seeded random stream with the few distributions the workloads need. Built on mulberry32, so the same
 * seed gives the same numbers on every machine and in every worker thread.
 */
export class Random {
  private readonly next: () => number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform in (0, 1]: safe under a logarithm. */
  private positiveUniform(): number {
    return 1 - this.next();
  }

  /** An integer uniform in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  exponential(mean: number): number {
    return -Math.log(this.positiveUniform()) * mean;
  }

  /** Standard normal by Box–Muller (the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.positiveUniform()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Gamma(shape, scale) by Marsaglia–Tsang; shapes below 1 by the boost `G(a) = G(a+1)·U^(1/a)`. */
  gamma(shape: number, scale: number): number {
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(this.positiveUniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.positiveUniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  }
}
