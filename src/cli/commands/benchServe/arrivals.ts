import { Random } from '../../../../sim/workload/random.js';

/**
 * Gaps between request sends, in seconds, as vLLM bench draws them: a gamma process with shape
 * `burstiness` and mean 1/rate (burstiness 1 is Poisson; < 1 burstier, > 1 more regular). An infinite
 * rate sends everything at once.
 */
export function arrivalGapsS(count: number, requestRate: number, burstiness: number, seed: number): number[] {
  if (!Number.isFinite(requestRate)) return new Array<number>(count).fill(0);
  const random = new Random(seed ^ 0x9e3779b9);
  const scale = 1 / (requestRate * burstiness);
  return Array.from({ length: count }, () => random.gamma(burstiness, scale));
}
