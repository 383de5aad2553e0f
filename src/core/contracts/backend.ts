import type { ServiceIdentifier } from 'inversify';
import type { StepPlan, StepResult } from './stepPlan.js';

/**
 * A device that executes step plans: the one interface between the core and any backend
 * (eager onnxruntime, the sendnn library, the simulator's cost model). The core never asks which it is.
 */
export interface StepExecutor {
  execute(plan: StepPlan): Promise<StepResult>;
}

/** A backend that answers at once, on the caller's stack: replays, unit tests, the simulator. */
export interface SyncStepExecutor {
  executeSync(plan: StepPlan): StepResult;
}

/** DI identifier of the {@link StepExecutor} service. */
export const StepExecutor: ServiceIdentifier<StepExecutor> = Symbol.for('spyre.StepExecutor');
