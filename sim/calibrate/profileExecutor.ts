import type { StepExecutor } from '../../src/core/contracts/backend.js';
import type { Clock } from '../../src/core/contracts/clock.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import type { StepPlan } from '../../src/core/contracts/stepPlan.js';
import type { StepShape } from '../cost/stepShape.js';
import { median } from '../report/percentiles.js';
import type { CalibrationGrid } from './calibrationGrid.js';
import { decodeProbePlan, prefillProbePlan } from './probePlans.js';

/** One measured shape: the median of its timed runs, and every run. */
export interface ProfileSample {
  readonly shape: StepShape;
  readonly seconds: number;
  readonly runsS: readonly number[];
}

/** The probes of a grid, prefill first, in a fixed order. */
export function probeShapes(grid: CalibrationGrid): StepShape[] {
  const shapes: StepShape[] = [];
  for (const chunkTokens of grid.chunkSizes) {
    for (const chunks of grid.contextChunks) {
      const contextTokens = chunks * chunkTokens;
      if (contextTokens > grid.maxContextTokens) continue;
      shapes.push({ kind: 'prefill', chunkTokens, contextTokens });
      for (const validTokens of grid.prefillValidTokens ?? []) {
        if (validTokens > 0 && validTokens < chunkTokens) shapes.push({ kind: 'prefill', chunkTokens, contextTokens, validTokens, pastTokens: contextTokens - chunkTokens });
      }
    }
  }
  for (const batchSize of grid.batchSizes) for (const tkv of grid.tkvs) if (tkv <= grid.maxContextTokens) shapes.push({ kind: 'decode', batchSize, tkv });
  return shapes;
}

function planFor(shape: StepShape, probe: number): StepPlan {
  return shape.kind === 'prefill'
    ? prefillProbePlan(shape.chunkTokens, shape.contextTokens, probe, shape.validTokens)
    : decodeProbePlan(shape.batchSize, shape.tkv, probe);
}

/**
 * Profiles any StepExecutor over a grid of shapes: for each shape, `warmup` untimed runs and `repeats` timed
 * ones, timed on `stopwatch` (the wall clock for a real backend, a virtual clock for a synthetic one).
 * A probe the backend reports as failed stops the profile with the backend's message.
 */
export async function profileExecutor(
  executor: StepExecutor,
  grid: CalibrationGrid,
  stopwatch: Clock,
  onProgress?: (done: number, total: number) => void,
): Promise<ProfileSample[]> {
  const shapes = probeShapes(grid);
  const samples: ProfileSample[] = [];
  let probe = 0;
  for (const shape of shapes) {
    const runsS: number[] = [];
    for (let run = 0; run < grid.warmup + grid.repeats; run++) {
      const plan = planFor(shape, probe++);
      const startS = stopwatch.nowS();
      const result = await executor.execute(plan);
      const elapsedS = stopwatch.nowS() - startS;
      const failure = result.failed?.[0];
      if (failure !== undefined) throw new EngineError('backend_failed', `calibration probe ${JSON.stringify(shape)} failed: ${failure.message}`);
      if (run >= grid.warmup) runsS.push(elapsedS);
    }
    samples.push({ shape, seconds: median(runsS), runsS });
    onProgress?.(samples.length, shapes.length);
  }
  return samples;
}
