import type { EngineCoreStats, StepReport } from '../../src/core/engine/engineCore.js';
import { DownsampledSeries, GrowableFloat64 } from './growableSeries.js';

/**
 * Per-request timings gathered while a simulation runs, in flat typed arrays indexed by the request's
 * position in the workload (a run of 100,000 requests keeps no per-request objects).
 *
 * Prefill interrupt (SPEC §4 `prefill_interrupt_seconds`): the time a decoding request (first token out, not
 * finished) spends waiting on other requests' prefill steps. Kept as the difference of one running total
 * of prefill-step time, read when the request starts decoding and when it ends.
 */
export class RequestMetrics {
  readonly arrivalS: Float64Array;
  readonly firstTokenS: Float64Array;
  readonly lastTokenS: Float64Array;
  readonly endS: Float64Array;
  readonly numOutputTokens: Int32Array;
  readonly numPromptTokens: Int32Array;
  readonly prefillInterruptS: Float64Array;
  /** 0 pending, 1 arrived, 2 ended, 3 rejected at admission, 4 failed. */
  readonly state: Uint8Array;
  readonly interTokenS = new GrowableFloat64();
  /** KV usage (0..1), waiting and running request counts after each step. */
  readonly occupancy = new DownsampledSeries(3);
  numPrefillSteps = 0;
  numDecodeSteps = 0;
  numIdleSteps = 0;
  busyS = 0;
  private prefillTotalS = 0;
  private readonly prefillBaseS: Float64Array;

  constructor(
    numRequests: number,
    private readonly indexOf: ReadonlyMap<string, number>,
  ) {
    this.arrivalS = new Float64Array(numRequests);
    this.firstTokenS = new Float64Array(numRequests).fill(Number.NaN);
    this.lastTokenS = new Float64Array(numRequests);
    this.endS = new Float64Array(numRequests);
    this.numOutputTokens = new Int32Array(numRequests);
    this.numPromptTokens = new Int32Array(numRequests);
    this.prefillInterruptS = new Float64Array(numRequests);
    this.prefillBaseS = new Float64Array(numRequests);
    this.state = new Uint8Array(numRequests);
  }

  arrived(index: number, timeS: number, numPromptTokens: number): void {
    this.arrivalS[index] = timeS;
    this.numPromptTokens[index] = numPromptTokens;
    this.state[index] = 1;
  }

  rejected(index: number, timeS: number): void {
    this.arrivalS[index] = timeS;
    this.endS[index] = timeS;
    this.state[index] = 3;
  }

  stepEnded(report: StepReport, startS: number, endS: number, stats: EngineCoreStats): void {
    const kind = report.plan === undefined ? 'idle' : report.plan.kind;
    if (kind === 'prefill') {
      this.numPrefillSteps++;
      this.prefillTotalS += endS - startS;
    } else if (kind === 'decode') this.numDecodeSteps++;
    else this.numIdleSteps++;
    if (kind !== 'idle') this.busyS += endS - startS;
    for (const token of report.produced) this.tokenProduced(this.indexOf.get(token.requestId)!, endS);
    for (const ended of report.ended) {
      const index = this.indexOf.get(ended.requestId)!;
      this.endS[index] = endS;
      this.state[index] = ended.error === undefined ? 2 : 4;
      if (!Number.isNaN(this.firstTokenS[index]!)) this.prefillInterruptS[index] = this.prefillTotalS - this.prefillBaseS[index]!;
    }
    this.occupancy.add(endS, stats.kvCacheUsage, stats.numWaiting, stats.numRunning);
  }

  private tokenProduced(index: number, timeS: number): void {
    if (this.numOutputTokens[index]! === 0) {
      this.firstTokenS[index] = timeS;
      this.prefillBaseS[index] = this.prefillTotalS;
    } else {
      this.interTokenS.push(timeS - this.lastTokenS[index]!);
    }
    this.lastTokenS[index] = timeS;
    this.numOutputTokens[index]!++;
  }
}
