import type { SyncStepExecutor } from '../../src/core/contracts/backend.js';
import type { RequestId } from '../../src/core/contracts/ids.js';
import type { SampledToken, StepPlan, StepResult } from '../../src/core/contracts/stepPlan.js';
import { SCENARIO_VOCAB_SIZE } from '../scenario/promptTokens.js';

function tokenFor(requestId: string, outputIndex: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) hash = Math.imul(hash ^ requestId.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ outputIndex, 0x01000193);
  return (hash >>> 0) % SCENARIO_VOCAB_SIZE;
}

/**
 * A zero-latency backend for replays: every sampled token is a fixed function of the request id and the
 * output index, after the request's golden `output_tokens`. It never emits an end-of-sequence token.
 */
export class DeterministicTokenBackend implements SyncStepExecutor {
  private readonly numProduced = new Map<RequestId, number>();

  constructor(private readonly goldenTokens: ReadonlyMap<string, readonly number[]> = new Map()) {}

  executeSync(plan: StepPlan): StepResult {
    if (plan.kind === 'prefill') return { sampled: plan.isLastChunk ? [this.next(plan.requestId)] : [] };
    return { sampled: plan.rows.map((row) => this.next(row.requestId)) };
  }

  private next(requestId: RequestId): SampledToken {
    const outputIndex = this.numProduced.get(requestId) ?? 0;
    this.numProduced.set(requestId, outputIndex + 1);
    const golden = this.goldenTokens.get(requestId);
    const tokenId = golden !== undefined && outputIndex < golden.length ? golden[outputIndex]! : tokenFor(requestId, outputIndex);
    return { requestId, tokenId };
  }
}
