import type { Clock } from '../../src/core/contracts/clock.js';
import type { EngineConfig } from '../../src/core/contracts/config.js';
import type { LlmEngine } from '../../src/core/engine/llmEngine.js';
import type { CalibrationProfile } from '../cost/calibrationProfile.js';
import type { PrefillCostBasis } from '../cost/stepShape.js';
import type { ScenarioConfig } from '../scenario/scenarioSchema.js';
import type { SimWorkload } from '../workload/simRequest.js';
import { measureRealRun } from '../validate/measureRealRun.js';
import { fitProfile } from './fitProfile.js';
import type { ProfileSample } from './profileExecutor.js';

/** One workload to run on the real engine, with the engine config it runs under. */
export interface CalibrationRun {
  /** Names the run in the profile, e.g. the scenario file. */
  readonly name: string;
  readonly config: ScenarioConfig;
  readonly workload: SimWorkload;
}

/** A real engine built for one run, released after it. */
export interface RunEngine {
  readonly engine: LlmEngine;
  readonly config: EngineConfig;
  close(): Promise<void>;
}

export type RunEngineFactory = (config: ScenarioConfig) => Promise<RunEngine>;

export interface CalibrateFromRunsOptions {
  /** The backend the engines run, as the profile records it (e.g. `eager`). */
  readonly executor: string;
  /** What was measured, added to the profile's name, e.g. `eager:models/small-100m`. */
  readonly description?: string;
  readonly basis: PrefillCostBasis;
  /** Non-negative least squares (default) or ordinary. */
  readonly nonNegative?: boolean;
  /** Called whenever a request of any run ends, with the requests ended so far over all runs and their total. */
  readonly onRequestFinished?: (numFinished: number, numRequests: number) => void;
}

export interface RunCalibration {
  readonly profile: CalibrationProfile;
  /** Every executed step of every run, as measured. */
  readonly steps: readonly ProfileSample[];
}

/**
 * Runs each workload on a real engine, one after the other, and fits the linear cost model to the pooled
 * steps. A step's time is measured from the end of the previous step, so it includes what the engine loop
 * does outside the backend call (scheduling, sampling, streaming, yielding), and decode batches continue as
 * they really do — both of which probing `execute` on synthetic plans cannot see.
 *
 * The profile's table is left empty: real-run shapes are scattered, with one or a few noisy samples each, not
 * a grid that piecewise-linear interpolation could honestly read (`use: table` refuses such a profile).
 */
export async function calibrateFromRuns(runs: readonly CalibrationRun[], createEngine: RunEngineFactory, clock: Clock, options: CalibrateFromRunsOptions): Promise<RunCalibration> {
  const numRequests = runs.reduce((sum, run) => sum + run.workload.requests.length, 0);
  let numFinished = 0;
  const steps: ProfileSample[] = [];
  for (const run of runs) {
    const created = await createEngine(run.config);
    try {
      const measured = await measureRealRun(created.engine, created.config, run.workload, clock, () => options.onRequestFinished?.(++numFinished, numRequests));
      steps.push(...measured.steps);
    } finally {
      await created.close();
    }
  }
  const fitted = fitProfile(steps, {
    name: `fitted from real runs of ${runs.map((run) => run.name).join(', ')}${options.description !== undefined ? ` (${options.description})` : ''}`,
    executor: options.executor,
    repeats: 1,
    basis: options.basis,
    ...(options.nonNegative !== undefined ? { nonNegative: options.nonNegative } : {}),
  });
  return { profile: { ...fitted, table: { prefill: [], decode: [] } }, steps };
}
