import { EngineError } from '../contracts/errors.js';
import type { StepPlan } from '../contracts/stepPlan.js';

/**
 * The runner-side guard before every device call (SPEC §2.4): a decode batch must satisfy
 * `tkv * batch_size <= VLLM_DT_MAX_BATCH_TKV_LIMIT`. The scheduler must never let it fire.
 */
export function assertWithinBatchTkvLimit(plan: StepPlan, maxBatchTkvLimit: number): void {
  if (plan.kind !== 'decode') return;
  const batchSize = plan.rows.length;
  if (plan.tkv * batchSize > maxBatchTkvLimit) {
    throw new EngineError('invariant_violated', `Exceeded max batch tkv limit ${maxBatchTkvLimit}! tkv: ${plan.tkv}, batch_size: ${batchSize}`);
  }
}
