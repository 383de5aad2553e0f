import { EngineError } from '../../contracts/errors.js';
import type { SamplingParams } from '../../contracts/requests.js';

/**
 * How a request's next token is chosen: the plain data that travels in every step plan's `sampling`
 * field, from the engine API to the backend that samples. Field names follow vLLM's SamplingParams.
 * A type alias (not an interface) so that it is assignable to the core's opaque {@link SamplingParams}.
 */
export type SamplingOptions = {
  /** 0 is greedy; otherwise logits are divided by it. */
  readonly temperature?: number;
  /** Keep the k most likely tokens; 0 or -1 keeps all. */
  readonly topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all. */
  readonly topP?: number;
  /** Drop tokens whose probability is below minP × the top token's; 0 keeps all. */
  readonly minP?: number;
  /** Seed of this request's own generator: the same seed gives the same tokens. */
  readonly seed?: number;
  /** > 1 discourages tokens seen in the prompt or output (divides positive logits, multiplies negative). */
  readonly repetitionPenalty?: number;
  /** Subtracted once from the logit of every token already generated. */
  readonly presencePenalty?: number;
  /** Subtracted from a token's logit once per time it was generated. */
  readonly frequencyPenalty?: number;
  /** EOS and stop ids cannot be sampled before this many output tokens. */
  readonly minTokens?: number;
  /** Ids masked while `minTokens` is not reached: the model's EOS ids (unless ignore_eos) and stop ids. */
  readonly minTokensBlockedIds?: readonly number[];
  /** Return the log-probabilities of the top n tokens (and the sampled one) in `SampledToken.extras`. */
  readonly logprobs?: number;
  /** Prompt ids: the repetition penalty needs them (prefix-cached chunks never reach the backend). */
  readonly promptTokenIds?: readonly number[];
};

/** Resolved, defaulted options: what the sampler reads on its hot path. */
export interface ResolvedSampling {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly minP: number;
  readonly seed: number | undefined;
  readonly repetitionPenalty: number;
  readonly presencePenalty: number;
  readonly frequencyPenalty: number;
  readonly minTokens: number;
  readonly minTokensBlockedIds: readonly number[];
  readonly logprobs: number;
  readonly promptTokenIds: readonly number[];
}

function invalid(message: string): EngineError {
  return new EngineError('invalid_request', message);
}

function numberField(record: SamplingParams, key: string, fallback: number): number {
  const value = record[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`'${key}' must be a finite number, got ${String(value)}.`);
  return value;
}

/**
 * Reads and checks sampling options (SPEC §1.4: temperature ≥ 0, top_p in (0, 1], …). Throws
 * EngineError('invalid_request') naming the field. The engine API calls it before a request is queued,
 * the backend again when a request's first token is sampled.
 */
export function resolveSampling(record: SamplingParams): ResolvedSampling {
  const temperature = numberField(record, 'temperature', 1);
  if (temperature < 0) throw invalid(`'temperature' must be >= 0, got ${temperature}.`);
  const topK = numberField(record, 'topK', 0);
  if (!Number.isInteger(topK) || topK < -1) throw invalid(`'top_k' must be -1, 0 or a positive integer, got ${topK}.`);
  const topP = numberField(record, 'topP', 1);
  if (!(topP > 0 && topP <= 1)) throw invalid(`'top_p' must be in (0, 1], got ${topP}.`);
  const minP = numberField(record, 'minP', 0);
  if (minP < 0 || minP > 1) throw invalid(`'min_p' must be in [0, 1], got ${minP}.`);
  const repetitionPenalty = numberField(record, 'repetitionPenalty', 1);
  if (repetitionPenalty <= 0) throw invalid(`'repetition_penalty' must be > 0, got ${repetitionPenalty}.`);
  const presencePenalty = numberField(record, 'presencePenalty', 0);
  const frequencyPenalty = numberField(record, 'frequencyPenalty', 0);
  if (Math.abs(presencePenalty) > 2) throw invalid(`'presence_penalty' must be in [-2, 2], got ${presencePenalty}.`);
  if (Math.abs(frequencyPenalty) > 2) throw invalid(`'frequency_penalty' must be in [-2, 2], got ${frequencyPenalty}.`);
  const minTokens = numberField(record, 'minTokens', 0);
  const logprobs = numberField(record, 'logprobs', 0);
  if (!Number.isInteger(logprobs) || logprobs < 0 || logprobs > 20) throw invalid(`'logprobs' must be an integer from 0 to 20, got ${logprobs}.`);
  const seedValue = record['seed'];
  if (seedValue !== undefined && seedValue !== null && (typeof seedValue !== 'number' || !Number.isInteger(seedValue))) {
    throw invalid(`'seed' must be an integer, got ${String(seedValue)}.`);
  }
  return {
    temperature,
    topK: topK <= 0 ? 0 : topK,
    topP,
    minP,
    seed: typeof seedValue === 'number' ? seedValue : undefined,
    repetitionPenalty,
    presencePenalty,
    frequencyPenalty,
    minTokens,
    minTokensBlockedIds: idList(record['minTokensBlockedIds']),
    logprobs,
    promptTokenIds: idList(record['promptTokenIds']),
  };
}

function idList(value: unknown): readonly number[] {
  return Array.isArray(value) ? (value as readonly number[]) : [];
}
