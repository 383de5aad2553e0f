import { asRequestId } from '../../src/core/contracts/ids.js';
import type { GenerationRequest } from '../../src/core/contracts/requests.js';
import type { SimRequestSpec } from './simRequest.js';

/** The engine core's request for a simulated one arriving at `arrivalTimeS` with its built prompt. */
export function generationRequestOf(spec: SimRequestSpec, promptTokenIds: readonly number[], arrivalTimeS: number): GenerationRequest {
  // Built field by field, not by spreads: one per arriving request.
  const request: Mutable<GenerationRequest> = { requestId: asRequestId(spec.id), promptTokenIds };
  if (spec.maxTokens > 0) request.maxTokens = spec.maxTokens;
  if (spec.minTokens !== undefined) request.minTokens = spec.minTokens;
  request.ignoreEos = spec.ignoreEos;
  if (spec.cacheSalt !== undefined) request.cacheSalt = spec.cacheSalt;
  request.arrivalTimeS = arrivalTimeS;
  return request;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
