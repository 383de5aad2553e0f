import { mulberry32 } from '../../src/core/util/mulberry32.js';

/** Token ids a generated prompt draws from; small, like the golden scenarios' prompts. */
export const SCENARIO_VOCAB_SIZE = 250;

/** The prompt of `{"length": n, "seed": s}`. */
export function generatePromptTokens(length: number, seed: number): number[] {
  const random = mulberry32(seed);
  // A plain loop into a preallocated array: the simulator builds one prompt per arriving request.
  const tokens = new Array<number>(length);
  for (let index = 0; index < length; index++) tokens[index] = Math.floor(random() * SCENARIO_VOCAB_SIZE);
  return tokens;
}
