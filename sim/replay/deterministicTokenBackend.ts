import type { SyncStepExecutor } from '../../src/core/contracts/backend.js';
import type { RequestId } from '../../src/core/contracts/ids.js';
import type { SampledToken, StepPlan, StepResult } from '../../src/core/contracts/stepPlan.js';
import { SCENARIO_VOCAB_SIZE } from '../scenario/promptTokens.js';

/** FNV-1a over the id's characters: the part of a token's hash that does not change between tokens. */
function idHash(requestId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) hash = Math.imul(hash ^ requestId.charCodeAt(i), 0x01000193);
  return hash;
}

function tokenFor(requestIdHash: number, outputIndex: number): number {
  return (Math.imul(requestIdHash ^ outputIndex, 0x01000193) >>> 0) % SCENARIO_VOCAB_SIZE;
}

interface ProducedSoFar {
  count: number;
  readonly idHash: number;
  readonly golden: readonly number[] | undefined;
}

/**
 * A zero-latency backend for replays: every sampled token is a fixed function of the request id and the
 * output index, after the request's golden `output_tokens`. It never emits an end-of-sequence token.
 */
export class DeterministicTokenBackend implements SyncStepExecutor {
  private readonly produced = new Map<RequestId, ProducedSoFar>();
  private readonly goldenTokens: Map<string, readonly number[]>;

  constructor(goldenTokens: ReadonlyMap<string, readonly number[]> = new Map()) {
    this.goldenTokens = new Map(goldenTokens);
  }

  /** Golden tokens for a request that arrives later (a timed run registers each as it arrives). */
  setGoldenTokens(requestId: string, tokens: readonly number[]): void {
    this.goldenTokens.set(requestId, tokens);
  }

  /** Drops an ended request's state, so a long run keeps only its requests in flight. */
  forget(requestId: string): void {
    this.produced.delete(requestId as RequestId);
    this.goldenTokens.delete(requestId);
  }

  executeSync(plan: StepPlan): StepResult {
    // A last chunk samples the request's first token and one for each copy it forks (parallel sampling).
    if (plan.kind === 'prefill') return { sampled: plan.isLastChunk ? [plan, ...(plan.forks ?? [])].map((row) => this.next(row.requestId)) : [] };
    return { sampled: plan.rows.map((row) => this.next(row.requestId)) };
  }

  private next(requestId: RequestId): SampledToken {
    let state = this.produced.get(requestId);
    if (state === undefined) {
      state = { count: 0, idHash: idHash(requestId), golden: this.goldenTokens.get(requestId) };
      this.produced.set(requestId, state);
    }
    const outputIndex = state.count++;
    const golden = state.golden;
    const tokenId = golden !== undefined && outputIndex < golden.length ? golden[outputIndex]! : tokenFor(state.idHash, outputIndex);
    return { requestId, tokenId };
  }
}
