import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EngineError } from '../../src/core/contracts/errors.js';
import { mulberry32 } from '../../src/core/util/mulberry32.js';
import type { StepCostModel, StepShape } from './stepShape.js';

export const HOST_OVERHEAD_FORMAT = 'spyre-sim-host-overhead/1';

/**
 * The host's share of serving, kept apart from the device's step time (which a device profile gives):
 * - `per_step_s`: every step's engine loop around the device call (scheduling, building the plan, the event
 *   loop's turn between two steps);
 * - `per_request_s`: each request that gets a token from the step (sampling, detokenizing, streaming its
 *   chunk): a decode step's rows, one for a prefill step;
 * - `frontend_s`: per request, what the client sees beyond the engine's own time to first token (the HTTP
 *   request into the engine and the first chunk back out): added to TTFT and end-to-end latency.
 */
export const hostOverheadSchema = z.strictObject({
  per_step_s: z.number().finite().nonnegative(),
  per_request_s: z.number().finite().nonnegative(),
  frontend_s: z.number().finite().nonnegative(),
  /**
   * How the measured host time of a step scatters around `per_step_s + per_request_s × n`: equally likely
   * quantiles of the residuals (mean ≈ 0). Each simulated step adds one, drawn by a seeded generator, so the
   * simulated ITLs spread as the real ones do (a shared CPU's occasional long step) and the run stays
   * deterministic. Empty: the host time is the fitted line alone.
   */
  step_jitter_s: z.array(z.number().finite()).default([]),
});

export type HostOverhead = z.infer<typeof hostOverheadSchema>;

export const NO_HOST_OVERHEAD: HostOverhead = { per_step_s: 0, per_request_s: 0, frontend_s: 0, step_jitter_s: [] };

/** What `spyre sim calibrate --host-overhead` writes: the terms, how they were fitted, and from what. */
export const hostOverheadFileSchema = z.strictObject({
  format: z.literal(HOST_OVERHEAD_FORMAT),
  host: hostOverheadSchema,
  fit: z.strictObject({
    num_steps: z.number().int().nonnegative(),
    num_requests: z.number().int().nonnegative(),
    rms_residual_s: z.number(),
    /** The device profile and card count of the runs (their device time is what was subtracted). */
    device_profile: z.string(),
    tensor_parallel_size: z.number().int().positive(),
  }),
});

export type HostOverheadFile = z.infer<typeof hostOverheadFileSchema>;

/** The requests a step hands a token to (the multiplier of `per_request_s`). */
export function requestsServedBy(shape: StepShape): number {
  return shape.kind === 'decode' ? shape.batchSize : 1;
}

/** The host's time in one step by the fitted line (no jitter). */
export function hostStepS(host: HostOverhead, shape: StepShape): number {
  return host.per_step_s + host.per_request_s * requestsServedBy(shape);
}

/**
 * A device cost model plus the host's per-step and per-request terms: what one step takes on the wall clock.
 * With `step_jitter_s`, each call adds the next draw of a seeded generator (so the model is deterministic for
 * a run, which prices its steps in order, not per shape); the host's share never goes below zero.
 */
export class HostOverheadCostModel implements StepCostModel {
  readonly name: string;
  private readonly nextUniform: () => number;

  constructor(
    readonly device: StepCostModel,
    readonly host: HostOverhead,
    seed = 1,
  ) {
    this.nextUniform = mulberry32(seed);
    const jitter = host.step_jitter_s.length > 0 ? ` ± measured jitter (${host.step_jitter_s.length} quantiles)` : '';
    this.name = `${device.name} + host ${(host.per_step_s * 1e3).toFixed(2)} ms/step + ${(host.per_request_s * 1e3).toFixed(3)} ms/request${jitter}`;
  }

  stepLatencyS(shape: StepShape): number {
    const jitter = this.host.step_jitter_s;
    const drawn = jitter.length === 0 ? 0 : jitter[Math.floor(this.nextUniform() * jitter.length)]!;
    return this.device.stepLatencyS(shape) + Math.max(0, hostStepS(this.host, shape) + drawn);
  }
}

export function loadHostOverheadFile(path: string): HostOverheadFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EngineError('invalid_scenario', `Cannot read the host-overhead file ${path}: ${(error as Error).message}`);
  }
  const parsed = hostOverheadFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('\n');
    throw new EngineError('invalid_scenario', `The host-overhead file ${path} is not a ${HOST_OVERHEAD_FORMAT} file (write one with spyre sim calibrate --host-overhead):\n${problems}`);
  }
  return parsed.data;
}
