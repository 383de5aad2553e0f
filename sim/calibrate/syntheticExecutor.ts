import type { StepExecutor } from '../../src/core/contracts/backend.js';
import type { StepPlan, StepResult } from '../../src/core/contracts/stepPlan.js';
import { stepShapeOf, type StepCostModel } from '../cost/stepShape.js';
import type { VirtualClock } from '../kernel/virtualClock.js';
import { Random } from '../workload/random.js';

/**
 * A StepExecutor with a known cost: each step moves a virtual clock on by the cost model's latency, times a
 * seeded noise factor `1 + noise·N(0,1)` (clamped at 0). Profiling it must give back the model it was built
 * with, which is how `spyre sim calibrate` is tested without real hardware.
 */
export class SyntheticStepExecutor implements StepExecutor {
  private readonly random: Random;

  constructor(
    private readonly costModel: StepCostModel,
    private readonly clock: VirtualClock,
    private readonly noise = 0,
    seed = 1,
  ) {
    this.random = new Random(seed);
  }

  execute(plan: StepPlan): Promise<StepResult> {
    const factor = this.noise === 0 ? 1 : Math.max(0, 1 + this.noise * this.random.normal());
    this.clock.advanceTo(this.clock.nowS() + this.costModel.stepLatencyS(stepShapeOf(plan)) * factor);
    const rows = plan.kind === 'prefill' ? (plan.isLastChunk ? [plan, ...(plan.forks ?? [])] : []) : plan.rows;
    const sampled = rows.map((row) => ({ requestId: row.requestId, tokenId: 1 }));
    return Promise.resolve({ sampled });
  }
}
