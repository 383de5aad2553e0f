import { applyPenalties, argmax, maskBeforeMinTokens } from './logitsProcessors.js';
import { computeLogprobs, type SampledLogprobs } from './logprobs.js';
import { drawCandidate, filterCandidates, FilterScratch } from './probabilityFilters.js';
import type { RequestSamplingState } from './requestSamplingState.js';

/** The token a sampler chose, with its log-probabilities when they were asked for. */
export interface SampledChoice {
  readonly tokenId: number;
  readonly logprobs?: SampledLogprobs;
}

/** Temperatures below this are greedy, as in vLLM (dividing by ~0 would overflow). */
const GREEDY_TEMPERATURE = 1e-5;

/**
 * Chooses next tokens from logits: penalties, the min_tokens mask, then greedy or temperature sampling
 * with min-p / top-k / top-p, drawing from the request's own seeded generator. Pure code: no I/O, no
 * backend. One sampler per vocabulary size; its scratch buffers are reused for every row.
 */
export class TokenSampler {
  private readonly work: Float32Array;
  private readonly scratch: FilterScratch;

  constructor(readonly vocabSize: number) {
    this.work = new Float32Array(vocabSize);
    this.scratch = new FilterScratch(vocabSize);
  }

  /** `logits`: one row, `vocabSize` long (left untouched). Records the choice in `state`. */
  sample(logits: Float32Array, state: RequestSamplingState): SampledChoice {
    const options = state.options;
    let processed = logits;
    if (state.needsProcessing) {
      this.work.set(logits);
      applyPenalties(this.work, state);
      maskBeforeMinTokens(this.work, state);
      processed = this.work;
    }
    const tokenId = options.temperature < GREEDY_TEMPERATURE
      ? argmax(processed)
      : drawCandidate(this.scratch, filterCandidates(processed, options, this.scratch), state.random.next());
    state.record(tokenId);
    if (options.logprobs === 0) return { tokenId };
    return { tokenId, logprobs: computeLogprobs(logits, tokenId, options.logprobs) };
  }
}
