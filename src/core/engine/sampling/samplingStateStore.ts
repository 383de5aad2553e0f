import { injectable } from 'inversify';
import type { RequestId } from '../../contracts/ids.js';
import type { SamplingParams } from '../../contracts/requests.js';
import { RequestSamplingState } from './requestSamplingState.js';
import { resolveSampling } from './samplingOptions.js';
import type { SeededRandom } from './seededRandom.js';

/**
 * The sampling states of running requests, shared by the backend that samples and the engine that knows
 * when requests end (vLLM's worker hears of finished requests from the scheduler output in the same way).
 * A state lives from the request's first sampled token until the engine releases it, so a request that
 * is preempted and prefilled again keeps its generator, its output counts and its min_tokens progress.
 */
@injectable()
export class SamplingStateStore {
  private readonly states = new Map<RequestId, RequestSamplingState>();

  get(requestId: RequestId): RequestSamplingState | undefined {
    return this.states.get(requestId);
  }

  set(requestId: RequestId, state: RequestSamplingState): void {
    this.states.set(requestId, state);
  }

  /** The request's state, created on its first sampled token with the next seed of the backend's `seeds`. */
  stateOf(requestId: RequestId, sampling: SamplingParams, seeds: SeededRandom): RequestSamplingState {
    let state = this.states.get(requestId);
    if (state === undefined) {
      state = new RequestSamplingState(resolveSampling(sampling), seeds.nextUint32());
      this.states.set(requestId, state);
    }
    return state;
  }

  /** Forgets an ended request. */
  release(requestId: RequestId): void {
    this.states.delete(requestId);
  }

  get size(): number {
    return this.states.size;
  }
}
