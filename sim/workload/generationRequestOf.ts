import { asRequestId } from '../../src/core/contracts/ids.js';
import type { GenerationRequest } from '../../src/core/contracts/requests.js';
import type { SimRequestSpec } from './simRequest.js';

/** The engine core's request for a simulated one arriving at `arrivalTimeS` with its built prompt. */
export function generationRequestOf(spec: SimRequestSpec, promptTokenIds: readonly number[], arrivalTimeS: number): GenerationRequest {
  return {
    requestId: asRequestId(spec.id),
    promptTokenIds,
    ...(spec.maxTokens > 0 ? { maxTokens: spec.maxTokens } : {}),
    ...(spec.minTokens !== undefined ? { minTokens: spec.minTokens } : {}),
    ignoreEos: spec.ignoreEos,
    ...(spec.cacheSalt !== undefined ? { cacheSalt: spec.cacheSalt } : {}),
    arrivalTimeS,
  };
}
