import { inject, injectable } from 'inversify';
import { EngineConfig } from '../../contracts/config.js';
import type { RequestId } from '../../contracts/ids.js';
import type { SamplingParams } from '../../contracts/requests.js';
import type { TokenSampling } from '../../contracts/sampling.js';
import type { SampledToken } from '../../contracts/stepPlan.js';
import { SamplingStateStore } from './samplingStateStore.js';
import { SeededRandom } from './seededRandom.js';
import { TokenSampler } from './tokenSampler.js';

/**
 * The core's {@link TokenSampling}: one TokenSampler per vocabulary size (its scratch buffers reused for
 * every row), the request states in the SamplingStateStore the engine releases, and a request's generator
 * seeded, on its first sampled token, with the next draw of the engine seed.
 */
@injectable()
export class RequestSampler implements TokenSampling {
  private readonly seeds: SeededRandom;
  private sampler: TokenSampler | undefined;

  constructor(
    @inject(EngineConfig) config: EngineConfig,
    @inject(SamplingStateStore) private readonly states: SamplingStateStore,
  ) {
    this.seeds = new SeededRandom(config.seed);
  }

  sample(requestId: RequestId, sampling: SamplingParams, logits: Float32Array): SampledToken {
    const state = this.states.stateOf(requestId, sampling, this.seeds);
    const choice = this.samplerFor(logits.length).sample(logits, state);
    return choice.logprobs === undefined ? { requestId, tokenId: choice.tokenId } : { requestId, tokenId: choice.tokenId, extras: { logprobs: choice.logprobs } };
  }

  private samplerFor(vocabSize: number): TokenSampler {
    if (this.sampler?.vocabSize !== vocabSize) this.sampler = new TokenSampler(vocabSize);
    return this.sampler;
  }
}
