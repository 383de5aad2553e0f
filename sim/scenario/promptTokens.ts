/** Token ids a generated prompt draws from; small, like the golden scenarios' prompts. */
export const SCENARIO_VOCAB_SIZE = 250;

/**
 * The prompt of `{"length": n, "seed": s}`: token `i` is `floor(u_i * SCENARIO_VOCAB_SIZE)` for the i-th draw
 * `u_i` of `mulberry32(s)`. The generator is unrolled here, its state a local (the simulator builds one prompt
 * per arriving request); test/unit/sim/promptTokens.test.ts checks it against `mulberry32` itself.
 */
export function generatePromptTokens(length: number, seed: number): number[] {
  const tokens = new Array<number>(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    tokens[index] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * SCENARIO_VOCAB_SIZE);
  }
  return tokens;
}
