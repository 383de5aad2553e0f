import type { StepPlan } from '../../../core/contracts/stepPlan.js';
import type { StepTimeShape } from '../../../device/stepTime.js';
import { decodeStepTimeShape, prefillStepTimeShape } from '../../../device/stepTimeShape.js';

/**
 * What one program run computes, for the step-time formula: a prefill chunk computes all its slots and attends
 * up to the chunk's end; a decode program computes its whole (padded) batch, each row reading `tkv` positions.
 */
export function stepShapeOf(plan: StepPlan, programBatch: number): StepTimeShape {
  if (plan.kind === 'prefill') return prefillStepTimeShape(plan.chunkSize, (plan.chunkIndex + 1) * plan.chunkSize);
  return decodeStepTimeShape(Math.max(programBatch, plan.rows.length), plan.tkv);
}
