import { z } from 'zod';
import type { Random } from './random.js';

/**
 * How requests arrive. `poisson` at `rate` requests/s; `gamma` with inter-arrival times
 * Gamma(shape = burstiness, scale = 1/(rate·burstiness)) exactly as `vllm bench serve` draws them (mean 1/rate,
 * squared coefficient of variation 1/burstiness: below 1 is burstier than Poisson, 1 is Poisson); `closed`
 * keeps `concurrency` requests in the engine, a new one arriving the moment one ends.
 */
export const arrivalProcessSchema = z.discriminatedUnion('process', [
  z.strictObject({ process: z.literal('poisson'), rate: z.number().positive() }),
  z.strictObject({ process: z.literal('gamma'), rate: z.number().positive(), burstiness: z.number().positive().default(1) }),
  z.strictObject({ process: z.literal('closed'), concurrency: z.number().int().positive() }),
]);

export type ArrivalProcess = z.infer<typeof arrivalProcessSchema>;

/** Draws the next inter-arrival gap of an open-loop process, in seconds. */
export function interArrivalSampler(process: Exclude<ArrivalProcess, { process: 'closed' }>): (random: Random) => number {
  if (process.process === 'poisson') return (random) => random.exponential(1 / process.rate);
  const shape = process.burstiness;
  const scale = 1 / (process.rate * process.burstiness);
  return (random) => random.gamma(shape, scale);
}
