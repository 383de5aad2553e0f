import type { LatencySummary } from './percentiles.js';

/** Mantissa bits kept per bucket: each power of two is split into 2^8 buckets of equal width. */
const SUB_BUCKET_BITS = 8;
/**
 * The largest relative error of a quantile read from the histogram, against the same quantile of the exact
 * sample (numpy's linear interpolation between ranks): a bucket [lo, lo·(1 + 2^-8)) reports its midpoint,
 * at most half a bucket width, 2^-9 of lo (≈ 0.2%), from any value in it; interpolating between two such
 * order statistics keeps the bound. Count, mean, min and max are exact.
 */
export const HISTOGRAM_RELATIVE_ERROR = 2 ** -(SUB_BUCKET_BITS + 1);
/** Values from 2^-40 s (about a picosecond) to 2^40 s get the bound; smaller or larger ones are clamped into the end buckets. */
const MIN_EXPONENT = -40;
const MAX_EXPONENT = 40;
const EXPONENT_BIAS = 1023;
const FIRST_KEY = (EXPONENT_BIAS + MIN_EXPONENT) << SUB_BUCKET_BITS;
const NUM_BUCKETS = (MAX_EXPONENT - MIN_EXPONENT) << SUB_BUCKET_BITS;

/** Reads a double's bits: the bucket is the exponent and the top mantissa bits (HDR-histogram style, no log). */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** The high word of a double; little-endian hosts keep it second. */
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * A fixed-size, log-bucketed histogram of non-negative latencies in seconds: what a report keeps instead of
 * every sample, so its memory does not grow with the number of requests or tokens. Zero is counted exactly.
 * Recording costs a few integer operations; merging adds counts, so a fleet's histogram is the sum of its
 * replicas'.
 */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(NUM_BUCKETS);
  private numZeros = 0;
  private lowestBucket = NUM_BUCKETS;
  private highestBucket = -1;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  record(valueS: number): void {
    if (!(valueS >= 0)) throw new RangeError(`LatencyHistogram takes non-negative values, got ${valueS}.`);
    this.count++;
    this.sum += valueS;
    if (valueS < this.min) this.min = valueS;
    if (valueS > this.max) this.max = valueS;
    if (valueS === 0) {
      this.numZeros++;
      return;
    }
    const bucket = bucketOf(valueS);
    this.counts[bucket]!++;
    if (bucket < this.lowestBucket) this.lowestBucket = bucket;
    if (bucket > this.highestBucket) this.highestBucket = bucket;
  }

  /** Adds another histogram's samples to this one. */
  merge(other: LatencyHistogram): void {
    for (let bucket = other.lowestBucket; bucket <= other.highestBucket; bucket++) this.counts[bucket]! += other.counts[bucket]!;
    this.lowestBucket = Math.min(this.lowestBucket, other.lowestBucket);
    this.highestBucket = Math.max(this.highestBucket, other.highestBucket);
    this.numZeros += other.numZeros;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /**
   * The q-quantiles (each 0..1, ascending) by linear interpolation between ranks, as numpy's default, each
   * within HISTOGRAM_RELATIVE_ERROR of the exact sample's. 0 for an empty histogram. One pass over the buckets.
   */
  quantiles(ascending: readonly number[]): number[] {
    if (this.count === 0) return ascending.map(() => 0);
    const valueAt = this.rankReader();
    return ascending.map((q) => {
      const position = q * (this.count - 1);
      const lower = Math.floor(position);
      const lowerValue = valueAt(lower);
      if (lower === position || lower + 1 >= this.count) return lowerValue;
      return lowerValue + (valueAt(lower + 1) - lowerValue) * (position - lower);
    });
  }

  summary(): LatencySummary {
    if (this.count === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    const [p50, p90, p99] = this.quantiles([0.5, 0.9, 0.99]);
    return { mean: this.sum / this.count, p50: p50!, p90: p90!, p99: p99!, max: this.max };
  }

  /**
   * The value of the sample at a 0-based rank: the exact min and max at the ends, else its bucket's
   * midpoint clamped to them. It walks forward from the last rank asked (quantiles ask in ascending order)
   * and starts over when asked for an earlier one.
   */
  private rankReader(): (rank: number) => number {
    let bucket = this.lowestBucket;
    let before = this.numZeros;
    return (rank) => {
      if (rank === 0) return this.min;
      if (rank === this.count - 1) return this.max;
      if (rank < this.numZeros) return 0;
      if (rank < before) {
        bucket = this.lowestBucket;
        before = this.numZeros;
      }
      while (before + this.counts[bucket]! <= rank) before += this.counts[bucket++]!;
      return Math.min(this.max, Math.max(this.min, midpointOf(bucket)));
    };
  }
}

function bucketOf(valueS: number): number {
  bits[0] = valueS;
  const key = (words[HIGH_WORD]! >>> (20 - SUB_BUCKET_BITS)) - FIRST_KEY;
  return key < 0 ? 0 : key >= NUM_BUCKETS ? NUM_BUCKETS - 1 : key;
}

/** The midpoint of a bucket: its lower edge times 1 + half a bucket's relative width. */
function midpointOf(bucket: number): number {
  const exponent = (bucket >>> SUB_BUCKET_BITS) + MIN_EXPONENT;
  const subBucket = bucket & ((1 << SUB_BUCKET_BITS) - 1);
  return 2 ** exponent * (1 + (subBucket + 0.5) / (1 << SUB_BUCKET_BITS));
}
