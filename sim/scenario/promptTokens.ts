/** Token ids a generated prompt draws from; small, like the golden scenarios' prompts. */
export const SCENARIO_VOCAB_SIZE = 250;

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; the same seed gives the same stream everywhere. */
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

/** The prompt of `{"length": n, "seed": s}`. */
export function generatePromptTokens(length: number, seed: number): number[] {
  const random = mulberry32(seed);
  // A plain loop into a preallocated array: the simulator builds one prompt per arriving request.
  const tokens = new Array<number>(length);
  for (let index = 0; index < length; index++) tokens[index] = Math.floor(random() * SCENARIO_VOCAB_SIZE);
  return tokens;
}
