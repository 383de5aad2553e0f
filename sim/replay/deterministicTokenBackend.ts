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
  /** The request's sampled token, one object rewritten each step (read by the core and the metrics within the step). */
  readonly token: { readonly requestId: RequestId; tokenId: number };
  /** Set when the request ended: a row cache entry holding it is stale. */
  forgotten: boolean;
}

/**
 * A zero-latency backend for replays: every sampled token is a fixed function of the request id and the
 * output index, after the request's golden `output_tokens`. It never emits an end-of-sequence token.
 * A decode batch keeps its rows in place from step to step, so each row first tries the state of the
 * request in the same row last step (an identity check) before a map lookup by id.
 */
export class DeterministicTokenBackend implements SyncStepExecutor {
  private readonly produced = new Map<RequestId, ProducedSoFar>();
  private readonly goldenTokens: Map<string, readonly number[]>;
  private readonly lastRowStates: ProducedSoFar[] = [];

  constructor(goldenTokens: ReadonlyMap<string, readonly number[]> = new Map()) {
    this.goldenTokens = new Map(goldenTokens);
  }

  /** Golden tokens for a request that arrives later (a timed run registers each as it arrives). */
  setGoldenTokens(requestId: string, tokens: readonly number[]): void {
    this.goldenTokens.set(requestId, tokens);
  }

  /** Drops an ended request's state, so a long run keeps only its requests in flight. */
  forget(requestId: string): void {
    const state = this.produced.get(requestId as RequestId);
    if (state !== undefined) state.forgotten = true;
    this.produced.delete(requestId as RequestId);
    this.goldenTokens.delete(requestId);
  }

  /** The tokens of a step: valid until the step after it (each request's token object is reused). */
  executeSync(plan: StepPlan): StepResult {
    // A last chunk samples the request's first token and one for each copy it forks (parallel sampling).
    if (plan.kind === 'prefill') {
      if (!plan.isLastChunk) return { sampled: [] };
      const sampled: SampledToken[] = [this.next(this.stateOf(plan.requestId))];
      for (const fork of plan.forks ?? []) sampled.push(this.next(this.stateOf(fork.requestId)));
      return { sampled };
    }
    const rows = plan.rows;
    const sampled = new Array<SampledToken>(rows.length);
    const lastStates = this.lastRowStates;
    for (let index = 0; index < rows.length; index++) {
      const requestId = rows[index]!.requestId;
      let state = lastStates[index];
      if (state === undefined || state.token.requestId !== requestId || state.forgotten) {
        state = this.stateOf(requestId);
        lastStates[index] = state;
      }
      sampled[index] = this.next(state);
    }
    return { sampled };
  }

  private stateOf(requestId: RequestId): ProducedSoFar {
    let state = this.produced.get(requestId);
    if (state === undefined) {
      state = { count: 0, idHash: idHash(requestId), golden: this.goldenTokens.get(requestId), token: { requestId, tokenId: 0 }, forgotten: false };
      this.produced.set(requestId, state);
    }
    return state;
  }

  private next(state: ProducedSoFar): SampledToken {
    const outputIndex = state.count++;
    const golden = state.golden;
    state.token.tokenId = golden !== undefined && outputIndex < golden.length ? golden[outputIndex]! : tokenFor(state.idHash, outputIndex);
    return state.token;
  }
}
