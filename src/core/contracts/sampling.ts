import type { ServiceIdentifier } from 'inversify';
import type { RequestId } from './ids.js';
import type { SamplingParams } from './requests.js';
import type { SampledToken } from './stepPlan.js';

/**
 * How a backend turns a row of logits into a request's next token: penalties, the min_tokens mask, greedy
 * or seeded temperature sampling with min-p / top-k / top-p, and the logprobs asked for. A request's
 * sampling state (its generator, output counts and min_tokens progress) lives from its first sampled token
 * until the engine releases the request, so a request prefilled again after a preemption samples on where
 * it stopped. Backends depend on this contract; the core implements it (RequestSampler).
 * @invariant Same seed, same logits, same calls → same tokens, whichever backend calls it
 *   (test/unit/app/createLlmEngine.sendnn.test.ts compares the eager and sendnn tokens).
 */
export interface TokenSampling {
  /** Request `requestId`'s next token from `logits` (one row, vocabulary long, left untouched), with logprobs as extras when asked for. */
  sample(requestId: RequestId, sampling: SamplingParams, logits: Float32Array): SampledToken;
}

/** DI identifier of the {@link TokenSampling} service. */
export const TokenSampling: ServiceIdentifier<TokenSampling> = Symbol.for('spyre.TokenSampling');
