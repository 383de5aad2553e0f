import { EngineError } from '../contracts/errors.js';
import { asRequestId, type RequestId } from '../contracts/ids.js';
import type { GenerationRequest } from '../contracts/requests.js';
import type { TextCodec } from '../contracts/textCodec.js';
import type { GenerateParams, PromptInput } from './generationTypes.js';
import { resolveSampling, type SamplingOptions } from './sampling/samplingOptions.js';

/** Prompt ids: text is encoded with the tokenizer's specials, chat turns through the model's template. */
export function promptTokenIds(prompt: PromptInput, codec: TextCodec): readonly number[] {
  if (typeof prompt === 'string') return codec.encode(prompt);
  if ('promptTokenIds' in prompt) return prompt.promptTokenIds;
  // The rendered template carries its own bos (as transformers' apply_chat_template(tokenize=True) does).
  return codec.encode(codec.applyChatTemplate(prompt, { addGenerationPrompt: true }), { addSpecialTokens: false });
}

export function stopStrings(params: GenerateParams): readonly string[] {
  const stops = params.stop === undefined ? [] : typeof params.stop === 'string' ? [params.stop] : params.stop;
  if (stops.some((stop) => typeof stop !== 'string' || stop.length === 0)) {
    throw new EngineError('invalid_request', "'stop' must be a non-empty string or a list of non-empty strings.");
  }
  return stops;
}

/** Below this temperature sampling is greedy (vLLM's `_SAMPLING_EPS`). */
const GREEDY_TEMPERATURE = 1e-5;

/**
 * How many copies `params` asks for (`n`, default 1), checked as vLLM checks it: a positive integer, and 1
 * when sampling greedily (every copy would be the same).
 */
export function numCopiesOf(params: GenerateParams): number {
  const n = params.n ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new EngineError('invalid_request', `'n' must be a positive integer, got ${n}.`);
  if (n > 1 && (params.temperature ?? 1) < GREEDY_TEMPERATURE) {
    throw new EngineError('invalid_request', `'n' must be 1 when using greedy sampling (temperature 0), got ${n}.`);
  }
  return n;
}

/** The engine ids of a request's `n` copies: vLLM's child ids `{index}_{id}`, or the id itself when `n` is 1. */
export function copyRequestIds(requestId: string, n: number): RequestId[] {
  return Array.from({ length: n }, (_, index) => asRequestId(n === 1 ? requestId : `${index}_${requestId}`));
}

/**
 * The core's request for `params`: limits and stop ids for the scheduler, sampling options as plain data
 * for the backend. Sampling options are checked here, so a bad value is refused before it is queued.
 */
export function buildGenerationRequest(
  requestId: RequestId,
  promptIds: readonly number[],
  params: GenerateParams,
  codec: TextCodec,
  forkIds: readonly RequestId[] = [],
): GenerationRequest {
  const eosTokenIds = params.ignoreEos ? [] : codec.eosTokenIds;
  const stopTokenIds = params.stopTokenIds ?? [];
  const sampling: SamplingOptions = {
    temperature: params.temperature ?? 1,
    topP: params.topP ?? 1,
    topK: params.topK ?? 0,
    minP: params.minP ?? 0,
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    repetitionPenalty: params.repetitionPenalty ?? 1,
    presencePenalty: params.presencePenalty ?? 0,
    frequencyPenalty: params.frequencyPenalty ?? 0,
    minTokens: params.minTokens ?? 0,
    minTokensBlockedIds: [...eosTokenIds, ...stopTokenIds],
    logprobs: params.logprobs ?? 0,
    ...(params.repetitionPenalty !== undefined && params.repetitionPenalty !== 1 ? { promptTokenIds: promptIds } : {}),
  };
  resolveSampling(sampling);
  return {
    requestId,
    promptTokenIds: promptIds,
    ...(params.maxTokens !== undefined ? { maxTokens: params.maxTokens } : {}),
    ...(params.minTokens !== undefined ? { minTokens: params.minTokens } : {}),
    ignoreEos: params.ignoreEos ?? false,
    eosTokenIds: codec.eosTokenIds,
    stopTokenIds,
    ...(params.cacheSalt !== undefined ? { cacheSalt: params.cacheSalt } : {}),
    sampling,
    // Copy i samples with seed + i (vLLM's rule); unseeded copies each draw a seed from the engine's seed.
    ...(forkIds.length > 0
      ? { forks: forkIds.map((forkId, index) => ({ requestId: forkId, sampling: params.seed === undefined ? sampling : { ...sampling, seed: params.seed + index + 1 } })) }
      : {}),
  };
}
