import type { Logger } from '../../../core/contracts/logger.js';
import type { DeviceProfile } from '../../../device/deviceProfile.js';
import { stepTimeModelOf } from '../../../device/decoderDimensions.js';
import { stepTime, type StepTimeModel, type StepTimeShape } from '../../../device/stepTime.js';
import type { SendnnModelDesc } from '../sendnnTypes.js';

/** One timed run: what the profile gives and what the CPU took. */
export interface TimedRun {
  readonly modelledS: number;
  readonly computeS: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Below this much left, timers (whole milliseconds, plus the loop's wake-up) would overshoot: poll instead. */
const POLL_BELOW_MS = 2;

/**
 * SPYRE_DEVICE_TIMING=profile: after a program has computed, waits out the rest of the time the profile gives
 * that step on `cards` cards, without blocking the event loop: a timer for all but the last millisecond or two,
 * then a turn of the loop at a time (setImmediate, so I/O is served in between) until the monotonic clock has
 * passed the deadline — a run never ends early, and ends late by about one turn of the loop, not by a timer's
 * whole-millisecond granularity. A run whose compute alone exceeds the modelled time is
 * counted, and the first one is logged with its figures.
 */
export class DeviceTimer {
  private readonly model: StepTimeModel;
  private overrunCount = 0;
  /** The last run's figures (tests, tools). */
  lastRun: TimedRun | undefined;

  constructor(readonly profile: DeviceProfile, desc: SendnnModelDesc, private readonly cards: number, private readonly logger: Logger) {
    this.model = stepTimeModelOf(desc);
  }

  /** Runs the overrun. */
  get overruns(): number {
    return this.overrunCount;
  }

  modelledS(step: StepTimeShape): number {
    return stepTime(this.profile, this.model, step, this.cards).totalS;
  }

  /** `startNs`: process.hrtime.bigint() taken just before the program ran. */
  async waitOut(step: StepTimeShape, startNs: bigint): Promise<TimedRun> {
    const modelledS = this.modelledS(step);
    const computeS = Number(process.hrtime.bigint() - startNs) / 1e9;
    if (computeS > modelledS) {
      this.overrunCount += 1;
      if (this.overrunCount === 1) {
        this.logger.warn(`[sendnn] device timing: a step computed in ${(computeS * 1e3).toFixed(2)} ms, longer than the ${(modelledS * 1e3).toFixed(2)} ms profile '${this.profile.name}' gives it on ${this.cards} card(s); such steps take their compute time (counted, warned once)`);
      }
    }
    const deadline = startNs + BigInt(Math.ceil(modelledS * 1e9));
    for (let now = process.hrtime.bigint(); now < deadline; now = process.hrtime.bigint()) {
      const leftMs = Number(deadline - now) / 1e6;
      await (leftMs > POLL_BELOW_MS ? sleep(Math.floor(leftMs - POLL_BELOW_MS / 2)) : nextTurn());
    }
    this.lastRun = { modelledS, computeS };
    return this.lastRun;
  }
}
