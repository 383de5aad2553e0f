import type { GenerateParams } from '../../core/engine/generationTypes.js';
import { ApiError } from '../errors/apiError.js';
import type { ChatRequest } from '../schemas/chatRequest.js';
import type { CompletionRequest } from '../schemas/completionRequest.js';

/** What the completion and chat requests share, their prompt (once tokenized) left out. */
type SharedRequest = Omit<CompletionRequest, 'prompt'> | Omit<ChatRequest, 'messages'>;

/** Refuses what this server does not do, each with a 400 naming the field (SPEC §1.4 for prompt_logprobs). */
export function refuseUnsupported(request: SharedRequest): void {
  // vLLM V1 dropped best_of (n completions plus their logprobs rank them); asking for more than n is refused
  // rather than silently ignored. best_of = n is plain parallel sampling.
  const n = request.n ?? 1;
  if (request.best_of !== undefined && request.best_of !== null && request.best_of !== n) {
    throw new ApiError(
      'invalid_request',
      `'best_of': best_of is not supported (vLLM V1 removed it), got ${request.best_of} with n=${n}. Ask for n completions with logprobs and rank them yourself.`,
      'best_of',
    );
  }
  if (request.prompt_logprobs !== undefined && request.prompt_logprobs !== null) {
    throw new ApiError('invalid_request', 'Prompt logprobs are currently not supported.', 'prompt_logprobs');
  }
}

function defined<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/** The engine's parameters for an OpenAI request; `logprobs` is the number of top entries wanted (0: none). */
export function toGenerateParams(request: SharedRequest, maxTokens: number | null | undefined, logprobs: number): GenerateParams {
  return {
    ...(defined(maxTokens) ? { maxTokens } : {}),
    ...(defined(request.min_tokens) ? { minTokens: request.min_tokens } : {}),
    ...(defined(request.temperature) ? { temperature: request.temperature } : {}),
    ...(defined(request.top_p) ? { topP: request.top_p } : {}),
    ...(defined(request.top_k) ? { topK: request.top_k } : {}),
    ...(defined(request.min_p) ? { minP: request.min_p } : {}),
    ...(defined(request.seed) ? { seed: request.seed } : {}),
    ...(defined(request.repetition_penalty) ? { repetitionPenalty: request.repetition_penalty } : {}),
    ...(defined(request.presence_penalty) ? { presencePenalty: request.presence_penalty } : {}),
    ...(defined(request.frequency_penalty) ? { frequencyPenalty: request.frequency_penalty } : {}),
    ...(defined(request.stop) ? { stop: request.stop } : {}),
    ...(defined(request.stop_token_ids) ? { stopTokenIds: request.stop_token_ids } : {}),
    ...(defined(request.include_stop_str_in_output) ? { includeStopStrInOutput: request.include_stop_str_in_output } : {}),
    ...(defined(request.ignore_eos) ? { ignoreEos: request.ignore_eos } : {}),
    ...(defined(request.cache_salt) ? { cacheSalt: request.cache_salt } : {}),
    ...(logprobs > 0 ? { logprobs } : {}),
    ...(defined(request.n) && request.n !== 1 ? { n: request.n } : {}),
  };
}
