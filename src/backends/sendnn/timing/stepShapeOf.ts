import type { StepPlan } from '../../../core/contracts/stepPlan.js';
import type { StepTimeShape } from '../../../device/stepTime.js';

/**
 * What one program run computes, for the step-time formula: a prefill chunk computes all its slots and attends
 * up to the chunk's end; a decode program computes its whole (padded) batch, each row reading `tkv` positions.
 */
export function stepShapeOf(plan: StepPlan, programBatch: number): StepTimeShape {
  if (plan.kind === 'prefill') {
    const context = (plan.chunkIndex + 1) * plan.chunkSize;
    return { tokens: plan.chunkSize, kvPositionsRead: context, attentionPairs: plan.chunkSize * context };
  }
  const rows = Math.max(programBatch, plan.rows.length);
  return { tokens: rows, kvPositionsRead: rows * plan.tkv, attentionPairs: rows * plan.tkv };
}
