/**
 * mulberry32: a tiny, fast, well-mixed 32-bit generator of floats in [0, 1). The same seed gives the same
 * stream on every machine and in every worker thread. Not for cryptography. The one PRNG of the project:
 * sampling, workloads, generated prompts and benchmarks all draw from it.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
