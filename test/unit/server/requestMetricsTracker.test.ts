import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/core/contracts/clock.js';
import { asRequestId } from '../../../src/core/contracts/ids.js';
import type { StepPlan } from '../../../src/core/contracts/stepPlan.js';
import type { StepReport } from '../../../src/core/engine/engineCore.js';
import type { EngineCoreStats } from '../../../src/core/contracts/engineStats.js';
import type { FinishedRequestTimings, MetricsRecorder } from '../../../src/core/metrics/metricsRecorder.js';
import { RequestMetricsTracker } from '../../../src/server/metrics/requestMetricsTracker.js';

class ManualClock implements Clock {
  nowSValue = 100;
  nowS(): number {
    return this.nowSValue;
  }
}

class ListRecorder implements MetricsRecorder {
  readonly steps: number[] = [];
  readonly tokens: { count: number; latencyS: number; isFirst: boolean }[] = [];
  readonly finished: FinishedRequestTimings[] = [];
  recordStep(numScheduledTokens: number): void {
    this.steps.push(numScheduledTokens);
  }
  recordTokens(count: number, latencyS: number, isFirst: boolean): void {
    this.tokens.push({ count, latencyS, isFirst });
  }
  recordFinished(timings: FinishedRequestTimings): void {
    this.finished.push(timings);
  }
}

const BUSY: EngineCoreStats = { numWaiting: 0, numRunning: 1, kvCacheUsage: 0.5, prefixCacheQueriedTokens: 0, prefixCacheHitTokens: 0, numPreemptions: 0 };

function prefillReport(requestId: string, validTokens: number): StepReport {
  const plan = { kind: 'prefill', requestId: asRequestId(requestId), firstValidSlot: 64, endValidSlot: 64 + validTokens } as unknown as StepPlan;
  return { plan, produced: [], ended: [], trace: undefined };
}

function decodeReport(rows: number): StepReport {
  const plan = { kind: 'decode', tkv: 64, rows: Array.from({ length: rows }, () => ({})) } as unknown as StepPlan;
  return { plan, produced: [], ended: [], trace: undefined };
}

const delta = (n = 1) => ({ kind: 'delta', requestId: 'a', text: 'x', tokenIds: Array.from({ length: n }, () => 7) }) as const;
const final = (completionTokens: number) => ({
  kind: 'final', requestId: 'a', text: 'xx', tokenIds: [], finishReason: 'length', usage: { promptTokens: 10, completionTokens, totalTokens: 10 + completionTokens },
}) as const;

describe('having a request metrics tracker on a manual clock', () => {
  it('when a request waits, prefills, decodes and finishes, should time each phase and the tokens', () => {
    const clock = new ManualClock();
    const recorder = new ListRecorder();
    const tracker = new RequestMetricsTracker([recorder], clock, () => BUSY);
    tracker.onStep(decodeReport(2)); // another request's decode step ends at 100: the engine is busy
    clock.nowSValue = 100.5;
    tracker.onArrival('a', 10);
    clock.nowSValue = 101;
    tracker.onStep(decodeReport(2)); // started at 100, before 'a' arrived
    clock.nowSValue = 102;
    tracker.onStep(prefillReport('a', 10)); // 'a' scheduled at 101 (end of the previous step)
    tracker.onOutput('a', delta());
    clock.nowSValue = 102.25;
    tracker.onOutput('a', delta());
    clock.nowSValue = 103;
    tracker.onStep(prefillReport('b', 30)); // another request's prefill step (102 → 103) stalls 'a' for 1 s
    clock.nowSValue = 103.5;
    tracker.onOutput('a', delta());
    tracker.onOutput('a', final(3));

    expect(recorder.steps).toEqual([2, 2, 10, 30]);
    expect(recorder.tokens).toEqual([
      { count: 1, latencyS: 1.5, isFirst: true },
      { count: 1, latencyS: 0.25, isFirst: false },
      { count: 1, latencyS: 1.25, isFirst: false },
    ]);
    expect(recorder.finished).toEqual([
      {
        requestId: 'a', finishReason: 'length', numPromptTokens: 10, numGenerationTokens: 3,
        e2eS: 3, queuedS: 0.5, prefillS: 1, decodeS: 1.5, timePerOutputTokenS: 0.75, prefillInterruptS: 1, decodeOnlyItlS: 0.25,
      },
    ]);
    expect(tracker.numTrackedRequests).toBe(0);
  });

  it('when the engine was idle, should start the step at the arrival and count no queue time', () => {
    const clock = new ManualClock();
    const recorder = new ListRecorder();
    const tracker = new RequestMetricsTracker([recorder], clock, () => ({ ...BUSY, numRunning: 0 }));
    clock.nowSValue = 150;
    tracker.onArrival('a', 10);
    clock.nowSValue = 150.2;
    tracker.onStep(prefillReport('a', 10));
    tracker.onOutput('a', delta());
    tracker.onOutput('a', final(1));
    expect(recorder.finished[0]).toMatchObject({ queuedS: 0, prefillS: expect.closeTo(0.2, 9), decodeS: 0, timePerOutputTokenS: undefined });
  });

  it('when the client leaves before the final output, should record the request once as aborted', () => {
    const clock = new ManualClock();
    const recorder = new ListRecorder();
    const tracker = new RequestMetricsTracker([recorder], clock, () => BUSY);
    tracker.onArrival('a', 10);
    tracker.onOutput('a', delta());
    tracker.onAbandoned('a');
    tracker.onAbandoned('a');
    tracker.onOutput('a', final(1));
    expect(recorder.finished.map((timings) => [timings.finishReason, timings.numGenerationTokens, timings.queuedS])).toEqual([['abort', 1, undefined]]);
  });
});
