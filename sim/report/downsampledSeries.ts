/**
 * A time series kept to at most `capacity` points however long the run: when full, neighbouring points
 * are merged in pairs (keeping the first time and the larger values, so peaks survive) and from then on
 * each point stands for twice as many samples. Deterministic, and O(1) amortised per sample.
 */
export class DownsampledSeries {
  readonly timesS: number[] = [];
  readonly values: number[][];
  private stride = 1;
  private pendingCount = 0;
  private pendingTimeS = 0;
  private readonly pending: number[];

  constructor(
    readonly width: number,
    private readonly capacity = 1024,
  ) {
    this.values = Array.from({ length: width }, () => []);
    this.pending = new Array<number>(width).fill(0);
  }

  add(timeS: number, ...sample: number[]): void {
    this.addSample(timeS, sample);
  }

  /** `add` without the rest array: the values are read, not kept. */
  addSample(timeS: number, sample: readonly number[]): void {
    if (this.pendingCount === 0) {
      this.pendingTimeS = timeS;
      for (let i = 0; i < this.width; i++) this.pending[i] = sample[i]!;
    } else {
      for (let i = 0; i < this.width; i++) this.pending[i] = Math.max(this.pending[i]!, sample[i]!);
    }
    if (++this.pendingCount < this.stride) return;
    this.flush();
    if (this.timesS.length >= this.capacity) this.halve();
  }

  /** Writes out a partly filled last point; call once at the end. */
  close(): void {
    if (this.pendingCount > 0) this.flush();
  }

  private flush(): void {
    this.timesS.push(this.pendingTimeS);
    for (let i = 0; i < this.width; i++) this.values[i]!.push(this.pending[i]!);
    this.pendingCount = 0;
  }

  private halve(): void {
    const half = Math.floor(this.timesS.length / 2);
    for (let k = 0; k < half; k++) {
      this.timesS[k] = this.timesS[2 * k]!;
      for (const column of this.values) column[k] = Math.max(column[2 * k]!, column[2 * k + 1]!);
    }
    this.timesS.length = half;
    for (const column of this.values) column.length = half;
    this.stride *= 2;
  }
}
