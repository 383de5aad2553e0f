/** 0 pending, 1 arrived, 2 ended, 3 rejected at admission, 4 failed. */
export type RequestState = 0 | 1 | 2 | 3 | 4;

/**
 * Each request's timings, in flat typed arrays indexed by its place in the workload: kept only when a caller
 * needs them request by request (calibration compares simulated and recorded requests one to one; tests).
 * A report needs none of it (RequestMetrics keeps fixed-size summaries), so long runs do not keep it.
 */
export class PerRequestTimings {
  readonly arrivalS: Float64Array;
  readonly firstTokenS: Float64Array;
  readonly lastTokenS: Float64Array;
  readonly endS: Float64Array;
  readonly numOutputTokens: Int32Array;
  readonly prefillInterruptS: Float64Array;
  readonly state: Uint8Array;

  constructor(numRequests: number) {
    this.arrivalS = new Float64Array(numRequests);
    this.firstTokenS = new Float64Array(numRequests).fill(Number.NaN);
    this.lastTokenS = new Float64Array(numRequests);
    this.endS = new Float64Array(numRequests);
    this.numOutputTokens = new Int32Array(numRequests);
    this.prefillInterruptS = new Float64Array(numRequests);
    this.state = new Uint8Array(numRequests);
  }

  /** Takes request `index`'s timings from another store (a fleet's, from the replica that ran it). */
  copyFrom(other: PerRequestTimings, index: number): void {
    this.arrivalS[index] = other.arrivalS[index]!;
    this.firstTokenS[index] = other.firstTokenS[index]!;
    this.lastTokenS[index] = other.lastTokenS[index]!;
    this.endS[index] = other.endS[index]!;
    this.numOutputTokens[index] = other.numOutputTokens[index]!;
    this.prefillInterruptS[index] = other.prefillInterruptS[index]!;
    this.state[index] = other.state[index]!;
  }
}
