import { injectable } from 'inversify';
import type { RequestId } from '../../contracts/ids.js';
import type { RequestSamplingState } from './requestSamplingState.js';

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

  /** Forgets an ended request. */
  release(requestId: RequestId): void {
    this.states.delete(requestId);
  }

  get size(): number {
    return this.states.size;
  }
}
