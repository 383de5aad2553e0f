import type { EngineCoreStats, StepReport } from '../../src/core/engine/engineCore.js';
import { DownsampledSeries } from './downsampledSeries.js';
import { LatencyHistogram } from './latencyHistogram.js';
import { PerRequestTimings } from './perRequestTimings.js';

/** Per-field arrays of the requests in flight, one slot each, reused once a request ends. */
class InFlightSlots {
  arrivalS = new Float64Array(64);
  firstTokenS = new Float64Array(64);
  lastTokenS = new Float64Array(64);
  prefillBaseS = new Float64Array(64);
  numOutputTokens = new Int32Array(64);
  numPromptTokens = new Int32Array(64);
  /** The request's place in the workload. */
  index = new Int32Array(64);
  /** The id of the request holding each slot (undefined when free). */
  readonly ownerId: (string | undefined)[] = [];
  private readonly free: number[] = [];
  private used = 0;

  take(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.used === this.index.length) this.grow();
    return this.used++;
  }

  give(slot: number): void {
    this.ownerId[slot] = undefined;
    this.free.push(slot);
  }

  private grow(): void {
    const grown = <T extends Float64Array | Int32Array>(array: T): T => {
      const copy = new (array.constructor as new (length: number) => T)(array.length * 2);
      copy.set(array);
      return copy;
    };
    this.arrivalS = grown(this.arrivalS);
    this.firstTokenS = grown(this.firstTokenS);
    this.lastTokenS = grown(this.lastTokenS);
    this.prefillBaseS = grown(this.prefillBaseS);
    this.numOutputTokens = grown(this.numOutputTokens);
    this.numPromptTokens = grown(this.numPromptTokens);
    this.index = grown(this.index);
  }
}

/**
 * What a simulation (or a measured run) gathers for its report while it runs, in memory that does not
 * grow with the number of requests: the requests in flight each hold a slot, and an ended request goes
 * into fixed-size latency histograms (TTFT, TPOT, E2E, prefill interrupt; every inter-token gap into the
 * ITL one) and counters. Per-request timings are kept only when asked for (`keepPerRequest`).
 *
 * Prefill interrupt (SPEC §4 `prefill_interrupt_seconds`): the time a decoding request (first token out, not
 * finished) spends waiting on other requests' prefill steps. Kept as the difference of one running total
 * of prefill-step time, read when the request starts decoding and when it ends.
 */
export class RequestMetrics {
  readonly ttft = new LatencyHistogram();
  readonly tpot = new LatencyHistogram();
  readonly e2e = new LatencyHistogram();
  readonly prefillInterrupt = new LatencyHistogram();
  readonly interToken = new LatencyHistogram();
  /** KV usage (0..1), waiting and running request counts after each step. */
  readonly occupancy = new DownsampledSeries(3);
  readonly perRequest: PerRequestTimings | undefined;
  numCompleted = 0;
  numRejected = 0;
  numFailed = 0;
  /** Over completed requests. */
  numOutputTokens = 0;
  numPromptTokens = 0;
  firstArrivalS = Number.POSITIVE_INFINITY;
  lastEndS = 0;
  numPrefillSteps = 0;
  numDecodeSteps = 0;
  numIdleSteps = 0;
  busyS = 0;
  private prefillTotalS = 0;
  private readonly slots = new InFlightSlots();
  private readonly slotOf = new Map<string, number>();
  /** The slot of the request that produced the i-th token of the last step: a decode batch keeps its order, so most lookups by id are skipped. */
  private readonly lastStepSlots: number[] = [];
  private readonly occupancySample = [0, 0, 0];

  constructor(
    readonly numRequests: number,
    options: { readonly keepPerRequest?: boolean } = {},
  ) {
    this.perRequest = options.keepPerRequest === true ? new PerRequestTimings(numRequests) : undefined;
  }

  arrived(index: number, requestId: string, timeS: number, numPromptTokens: number): void {
    const slot = this.slots.take();
    this.slotOf.set(requestId, slot);
    this.slots.ownerId[slot] = requestId;
    this.slots.arrivalS[slot] = timeS;
    this.slots.firstTokenS[slot] = Number.NaN;
    this.slots.lastTokenS[slot] = 0;
    this.slots.numOutputTokens[slot] = 0;
    this.slots.numPromptTokens[slot] = numPromptTokens;
    this.slots.index[slot] = index;
    if (this.perRequest !== undefined) {
      this.perRequest.arrivalS[index] = timeS;
      this.perRequest.state[index] = 1;
    }
  }

  rejected(index: number, timeS: number): void {
    this.numRejected++;
    if (this.perRequest !== undefined) {
      this.perRequest.arrivalS[index] = timeS;
      this.perRequest.endS[index] = timeS;
      this.perRequest.state[index] = 3;
    }
  }

  stepEnded(report: StepReport, startS: number, endS: number, stats: EngineCoreStats): void {
    const kind = report.plan === undefined ? 'idle' : report.plan.kind;
    if (kind === 'prefill') {
      this.numPrefillSteps++;
      this.prefillTotalS += endS - startS;
    } else if (kind === 'decode') this.numDecodeSteps++;
    else this.numIdleSteps++;
    if (kind !== 'idle') this.busyS += endS - startS;
    const produced = report.produced;
    const lastStepSlots = this.lastStepSlots;
    const ownerId = this.slots.ownerId;
    for (let index = 0; index < produced.length; index++) {
      const requestId = produced[index]!.requestId;
      let slot = lastStepSlots[index];
      if (slot === undefined || ownerId[slot] !== requestId) {
        slot = this.slotOf.get(requestId)!;
        lastStepSlots[index] = slot;
      }
      this.tokenProduced(slot, endS);
    }
    for (const ended of report.ended) this.requestEnded(ended.requestId, ended.error === undefined, endS);
    const sample = this.occupancySample;
    sample[0] = stats.kvCacheUsage;
    sample[1] = stats.numWaiting;
    sample[2] = stats.numRunning;
    this.occupancy.addSample(endS, sample);
  }

  /** Adds another run's figures (a replica's, into its fleet's); the timeline is not merged. */
  absorb(other: RequestMetrics): void {
    this.ttft.merge(other.ttft);
    this.tpot.merge(other.tpot);
    this.e2e.merge(other.e2e);
    this.prefillInterrupt.merge(other.prefillInterrupt);
    this.interToken.merge(other.interToken);
    this.numCompleted += other.numCompleted;
    this.numRejected += other.numRejected;
    this.numFailed += other.numFailed;
    this.numOutputTokens += other.numOutputTokens;
    this.numPromptTokens += other.numPromptTokens;
    this.firstArrivalS = Math.min(this.firstArrivalS, other.firstArrivalS);
    this.lastEndS = Math.max(this.lastEndS, other.lastEndS);
    this.numPrefillSteps += other.numPrefillSteps;
    this.numDecodeSteps += other.numDecodeSteps;
    this.numIdleSteps += other.numIdleSteps;
  }

  private tokenProduced(slot: number, timeS: number): void {
    const slots = this.slots;
    if (slots.numOutputTokens[slot]! === 0) {
      slots.firstTokenS[slot] = timeS;
      slots.prefillBaseS[slot] = this.prefillTotalS;
    } else {
      this.interToken.record(timeS - slots.lastTokenS[slot]!);
    }
    slots.lastTokenS[slot] = timeS;
    slots.numOutputTokens[slot]!++;
  }

  private requestEnded(requestId: string, succeeded: boolean, endS: number): void {
    const slot = this.slotOf.get(requestId)!;
    this.slotOf.delete(requestId);
    this.slots.give(slot);
    const slots = this.slots;
    const arrivalS = slots.arrivalS[slot]!;
    const firstTokenS = slots.firstTokenS[slot]!;
    const numTokens = slots.numOutputTokens[slot]!;
    const interruptS = Number.isNaN(firstTokenS) ? 0 : this.prefillTotalS - slots.prefillBaseS[slot]!;
    if (this.perRequest !== undefined) this.recordPerRequest(slots.index[slot]!, succeeded, endS, interruptS, slot);
    if (!succeeded) {
      this.numFailed++;
      return;
    }
    this.numCompleted++;
    this.numOutputTokens += numTokens;
    this.numPromptTokens += slots.numPromptTokens[slot]!;
    this.firstArrivalS = Math.min(this.firstArrivalS, arrivalS);
    this.lastEndS = Math.max(this.lastEndS, endS);
    this.e2e.record(endS - arrivalS);
    this.prefillInterrupt.record(interruptS);
    if (numTokens === 0) return;
    this.ttft.record(firstTokenS - arrivalS);
    if (numTokens > 1) this.tpot.record((slots.lastTokenS[slot]! - firstTokenS) / (numTokens - 1));
  }

  private recordPerRequest(index: number, succeeded: boolean, endS: number, interruptS: number, slot: number): void {
    const perRequest = this.perRequest!;
    perRequest.firstTokenS[index] = this.slots.firstTokenS[slot]!;
    perRequest.lastTokenS[index] = this.slots.lastTokenS[slot]!;
    perRequest.numOutputTokens[index] = this.slots.numOutputTokens[slot]!;
    perRequest.endS[index] = endS;
    perRequest.prefillInterruptS[index] = interruptS;
    perRequest.state[index] = succeeded ? 2 : 4;
  }
}
