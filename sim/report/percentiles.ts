/** mean, p50, p90, p99 (and max) of a sample, in its unit. All zeros for an empty sample. */
export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** The q-quantile (0..1) of ascending values by linear interpolation between ranks, as numpy's default. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** The median of values in any order (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  return quantileOfSorted(values.slice().sort((a, b) => a - b), 0.5);
}
