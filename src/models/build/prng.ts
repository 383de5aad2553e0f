// A seeded PRNG for weights and corpora: the same seed must give the same model bytes on every
// machine, so Math.random is out. splitmix32 is tiny, fast enough for 100M draws in well under a
// second, and has no bad seeds (seed 0 included), which xorshift alone does not guarantee.

/** Returns a generator of uint32 values; each call advances the state. */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Derives an independent stream per tensor, so one tensor's values do not depend on the order of the others. */
export function streamSeed(seed: number, streamName: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < streamName.length; i++) {
    hash = Math.imul(hash ^ streamName.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Fills `out` with uniform values of mean `mean` and standard deviation `std`.
 * Uniform rather than normal: Box-Muller costs a log and a cos per value, and a transformer's
 * behaviour under random weights depends on the variance, not on the shape of the distribution.
 */
export function fillUniform(out: Float32Array, seed: number, mean: number, std: number): void {
  const next = splitmix32(seed);
  const halfWidth = std * Math.sqrt(3);
  const scale = (2 * halfWidth) / 4294967296;
  for (let i = 0; i < out.length; i++) {
    out[i] = mean - halfWidth + next() * scale;
  }
}
