import type { DecodeBatchPlan, PrefillChunkPlan, SampledToken, StepResult } from '../contracts/stepPlan.js';
import { EngineError } from '../contracts/errors.js';
import { tkvAfterJoin } from './batchTkv.js';
import { countWithoutLeftPadding, prefillGeometry } from './prefillGeometry.js';
import type { SchedulerLimits } from './schedulerLimits.js';
import type { SchedulerRequest } from './schedulerRequest.js';
import { finishRequest, type SchedulerState } from './schedulerState.js';
import { stopAfterToken } from './stopRules.js';

/**
 * What a step changed, in scheduling order. `produced[i]` is the token `producedBy[i]` produced (two
 * parallel lists, no wrapper object per token).
 */
export interface StepUpdate {
  readonly produced: readonly SampledToken[];
  readonly producedBy: readonly SchedulerRequest[];
  readonly finished: readonly SchedulerRequest[];
  readonly failed: readonly { readonly request: SchedulerRequest; readonly message: string }[];
}

/** The tokens a step produced and who produced each: two parallel lists sized for the step's rows up front. */
export class Produced {
  readonly tokens: SampledToken[];
  readonly by: SchedulerRequest[];
  private count = 0;

  constructor(capacity: number) {
    this.tokens = new Array<SampledToken>(capacity);
    this.by = new Array<SchedulerRequest>(capacity);
  }

  add(token: SampledToken, request: SchedulerRequest): void {
    this.tokens[this.count] = token;
    this.by[this.count++] = request;
  }

  /** Drops the unused tail; call once, after the last `add`. */
  close(): void {
    if (this.count === this.tokens.length) return;
    this.tokens.length = this.count;
    this.by.length = this.count;
  }
}

/** Ends the requests the backend failed (they are released with the finished ones). */
export function failRequests(state: SchedulerState, result: StepResult): { request: SchedulerRequest; message: string }[] {
  const failures: { request: SchedulerRequest; message: string }[] = [];
  if (result.failed === undefined) return failures;
  for (const failure of result.failed) {
    const request = state.requests.get(failure.requestId);
    if (request === undefined || request.status === 'finished') continue;
    // Copies not forked yet cannot run without its prefill: they fail with it.
    for (const ended of finishRequest(state, request, 'abort')) failures.push({ request: ended, message: failure.message });
  }
  return failures;
}

/**
 * After a prefill chunk: the computed count grows by the chunk (less the left padding of a first chunk,
 * SPEC §2.3); the first chunk may start a batch; the last one joins the batch and samples the first token,
 * and the copies it forked (`scheduled` after the request, parallel sampling) theirs.
 */
export function updateAfterPrefill(
  state: SchedulerState,
  limits: SchedulerLimits,
  scheduled: readonly SchedulerRequest[],
  plan: PrefillChunkPlan,
  result: StepResult,
  produced: Produced,
  finished: SchedulerRequest[],
): void {
  state.previousStepWasPrefill = true;
  const request = scheduled[0]!;
  if (request.status !== 'prefilling') return;
  let othersDecoding = false;
  for (let index = 0; index < state.running.length && !othersDecoding; index++) {
    const other = state.running[index]!;
    othersDecoding = other !== request && other.isDecoding;
  }
  const geometry = prefillGeometry(request.numPrefillTokens, limits.chunkSize, limits.blockSize);
  request.numComputedTokens += request.numScheduledTokens;
  request.numPrefillStepsRun += 1;
  if (!plan.isLastChunk) {
    // The first chunk it runs (chunk 0, or a later one when a prefix hit skips chunks) may start a batch.
    if (request.numPrefillStepsRun === 1 && !othersDecoding) state.tkv = request.numPrefillTokens;
    request.numComputedTokens = countWithoutLeftPadding(geometry, request.numComputedTokens, request.numUsablePrefixTokens);
    return;
  }
  state.tkv = othersDecoding ? tkvAfterJoin(request.numPrefillTokens, state.tkv, limits.blockSize) : request.numPrefillTokens;
  request.status = 'decoding';
  request.pendingForks = [];
  const forks = scheduled.slice(1);
  for (const copy of forks) {
    copy.awaitingForkOf = undefined;
    if (copy.status === 'finished') continue;
    copy.status = 'decoding';
    copy.numComputedTokens = request.numComputedTokens;
    copy.numPrefillStepsRun = request.numPrefillStepsRun;
  }
  // The backend answers the request first, then its copies in plan order.
  appendSampled(state, request, result, produced, finished);
  for (let index = 0; index < forks.length; index++) {
    if (forks[index]!.status === 'decoding') appendSampled(state, forks[index]!, result, produced, finished, index + 1);
  }
}

/** After a decode step: the batch's tkv, and one token more for every request still decoding. */
export function updateAfterDecode(
  state: SchedulerState,
  scheduled: readonly SchedulerRequest[],
  plan: DecodeBatchPlan,
  result: StepResult,
  produced: Produced,
  finished: SchedulerRequest[],
): void {
  state.previousStepWasPrefill = false;
  state.tkv = plan.tkv;
  for (let index = 0; index < scheduled.length; index++) {
    const request = scheduled[index]!;
    if (request.status !== 'decoding') continue;
    request.numComputedTokens += 1;
    appendSampled(state, request, result, produced, finished, index);
  }
}

function appendSampled(
  state: SchedulerState,
  request: SchedulerRequest,
  result: StepResult,
  produced: Produced,
  finished: SchedulerRequest[],
  rowIndex = 0,
): void {
  // Backends answer in row order; look further only when one does not.
  const inOrder = result.sampled[rowIndex];
  const token = inOrder?.requestId === request.id ? inOrder : result.sampled.find((sampled) => sampled.requestId === request.id);
  if (token === undefined) {
    throw new EngineError('backend_failed', `The backend returned no token for request '${request.id}' although the step sampled it.`);
  }
  request.appendToken(token.tokenId);
  produced.add(token, request);
  const stop = stopAfterToken(request, token.tokenId);
  if (stop !== undefined) {
    request.stopTokenId = stop.stopTokenId;
    finishRequest(state, request, stop.reason);
    finished.push(request);
  }
}
