import { EngineError } from '../contracts/errors.js';
import type { RequestId } from '../contracts/ids.js';
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

/**
 * The core's request for `params`: limits and stop ids for the scheduler, sampling options as plain data
 * for the backend. Sampling options are checked here, so a bad value is refused before it is queued.
 */
export function buildGenerationRequest(requestId: RequestId, promptIds: readonly number[], params: GenerateParams, codec: TextCodec): GenerationRequest {
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
  };
}
