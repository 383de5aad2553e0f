import type { RequestId } from '../contracts/ids.js';
import type { FinishReason } from '../contracts/requests.js';
import { RequestQueue } from './requestQueue.js';
import type { SchedulerRequest } from './schedulerRequest.js';

/** The scheduler's queues and the batch it is decoding; admission, preemption and the step update read and write it. */
export interface SchedulerState {
  /** FCFS; a ring deque, because admission takes its head and preemption puts requests back in front. */
  readonly waiting: RequestQueue<SchedulerRequest>;
  running: SchedulerRequest[];
  readonly requests: Map<RequestId, SchedulerRequest>;
  /** The padded context length of the current decode batch. */
  tkv: number;
  previousStepWasPrefill: boolean;
  preemptions: number;
  /** Requests ended while still in the waiting queue, not yet removed from it. */
  numEndedWhileWaiting: number;
}

export function emptySchedulerState(): SchedulerState {
  return { waiting: new RequestQueue<SchedulerRequest>(), running: [], requests: new Map(), tkv: 0, previousStepWasPrefill: false, preemptions: 0, numEndedWhileWaiting: 0 };
}

/**
 * Ends a request; its blocks go back when the scheduler releases it. A request that ends before its prefill
 * forked its copies (parallel sampling) ends them too: returns every request it ended, the request first.
 */
export function finishRequest(state: SchedulerState, request: SchedulerRequest, reason: FinishReason): SchedulerRequest[] {
  const ended = [request];
  for (const copy of request.pendingForks) {
    if (copy.status === 'finished') continue;
    endOne(state, copy, reason);
    ended.push(copy);
  }
  request.pendingForks = [];
  endOne(state, request, reason);
  return ended;
}

function endOne(state: SchedulerState, request: SchedulerRequest, reason: FinishReason): void {
  if (request.status === 'waiting') state.numEndedWhileWaiting += 1;
  request.status = 'finished';
  request.finishReason = reason;
}
