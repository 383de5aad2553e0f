import { describe, expect, it } from 'vitest';
import { fitHostOverhead, type TimedStep } from '../../../sim/calibrate/fitHostOverhead.js';
import { HostOverheadCostModel, hostStepS } from '../../../sim/cost/hostOverhead.js';
import { LinearCostModel } from '../../../sim/cost/linearCostModel.js';
import type { StepShape } from '../../../sim/cost/stepShape.js';
import { mulberry32 } from '../../../src/core/util/mulberry32.js';

/** A known device: 20 ms a step, 1 ms more per decode row. */
const DEVICE = new LinearCostModel({ fixed_s: 0.02, prefill_s: 0, prefill_per_token_s: 0, prefill_per_token_context_s: 0, decode_per_seq_s: 0.001, decode_per_seq_tkv_s: 0 });

function steps(count: number, hostOf: (shape: StepShape, random: () => number) => number): TimedStep[] {
  const random = mulberry32(11);
  return Array.from({ length: count }, (_, index) => {
    const shape: StepShape = index % 5 === 0 ? { kind: 'prefill', chunkTokens: 64, contextTokens: 64 } : { kind: 'decode', batchSize: 1 + (index % 8), tkv: 100 };
    return { shape, wallS: DEVICE.stepLatencyS(shape) + hostOf(shape, random), backToBack: index % 17 !== 0 };
  });
}

describe('the host overhead', () => {
  it('should recover the per-step and per-request terms from what busy steps take beyond the device time', () => {
    const fit = fitHostOverhead(steps(400, (shape) => 0.002 + 0.0005 * (shape.kind === 'decode' ? shape.batchSize : 1)), DEVICE, { clientTtftS: [0.05, 0.06, 0.07], engineTtftS: [0.04, 0.05, 0.06] });
    expect(fit.host.per_step_s).toBeCloseTo(0.002, 9);
    expect(fit.host.per_request_s).toBeCloseTo(0.0005, 9);
    expect(fit.host.frontend_s).toBeCloseTo(0.01, 9);
    expect(fit.numSteps).toBe(400 - Math.ceil(400 / 17));
  });

  it('should not count the steps that followed an idle wait', () => {
    const idleWaits = steps(200, () => 0.002).map((step) => (step.backToBack ? step : { ...step, wallS: step.wallS + 5 }));
    expect(fitHostOverhead(idleWaits, DEVICE, { clientTtftS: [], engineTtftS: [] }).host.per_step_s).toBeCloseTo(0.002, 9);
  });

  it('should keep the scatter as jitter that the simulated steps draw, with the measured mean and spread', () => {
    // Mostly 2 ms, one step in ten stalled by 20 ms: a shared CPU.
    const stalled = (_shape: StepShape, random: () => number): number => 0.002 + (random() < 0.1 ? 0.02 : 0);
    const fit = fitHostOverhead(steps(2000, stalled), DEVICE, { clientTtftS: [], engineTtftS: [] });
    expect(fit.host.step_jitter_s).toHaveLength(64);
    const model = new HostOverheadCostModel(DEVICE, fit.host, 3);
    const shape: StepShape = { kind: 'decode', batchSize: 4, tkv: 100 };
    const drawn = Array.from({ length: 5000 }, () => model.stepLatencyS(shape) - DEVICE.stepLatencyS(shape)).sort((a, b) => a - b);
    const mean = drawn.reduce((sum, value) => sum + value, 0) / drawn.length;
    expect(mean).toBeGreaterThan(0.0036);
    expect(mean).toBeLessThan(0.0044);
    expect(drawn[2500]).toBeCloseTo(0.002, 3);
    expect(drawn[4900]).toBeCloseTo(0.022, 3);
    // The same seed draws the same sequence.
    const again = new HostOverheadCostModel(DEVICE, fit.host, 3);
    const first = new HostOverheadCostModel(DEVICE, fit.host, 3);
    expect(Array.from({ length: 50 }, () => again.stepLatencyS(shape))).toEqual(Array.from({ length: 50 }, () => first.stepLatencyS(shape)));
    expect(hostStepS({ ...fit.host, step_jitter_s: [] }, shape)).toBeCloseTo(fit.host.per_step_s + 4 * fit.host.per_request_s, 12);
  });
});
