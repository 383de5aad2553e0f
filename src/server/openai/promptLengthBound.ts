// Refuses, before any tokenizing, a prompt text that cannot fit: its UTF-8 byte length divided by the most
// bytes one token can stand for (tokenBytesBound, from tokenizer.json) is a lower bound on its token count.
// Tokenizing a 4 MB body takes seconds; measuring its bytes takes a millisecond.
import type { EngineConfig } from '../../core/contracts/config.js';
import { minTokensOf, type TokenBytesBound } from '../../tokenizer/index.js';
import { ApiError } from '../errors/apiError.js';

/**
 * SPEC §1.4's refusal (the prompt padded to a block plus max_tokens exceeds max_model_len) when it follows
 * from the lower bound alone: the real prompt is at least as long, so the engine would refuse it too.
 * `maxTokens` undefined: the default (max_model_len − padded prompt, at least 1), as the engine fills it in.
 */
export function refuseGenerationTextThatCannotFit(text: string, bound: TokenBytesBound, config: Pick<EngineConfig, 'maxModelLen' | 'blockSize'>, maxTokens: number | undefined, param: string): void {
  const minTokens = minTokensOf(text, bound);
  const padded = Math.ceil(minTokens / config.blockSize) * config.blockSize;
  const outputTokens = maxTokens ?? Math.max(1, config.maxModelLen - padded);
  if (padded + outputTokens <= config.maxModelLen) return;
  throw new ApiError(
    'invalid_request',
    `Could not add request: prompt length is at least ${minTokens} tokens, which gets padded to at least ${padded} tokens, maximum number of output tokens is ${outputTokens} tokens, but max model context length is ${config.maxModelLen}.`,
    param,
  );
}

/** /tokenize of a text whose tokens cannot fit max_model_len: refused rather than tokenized for seconds. */
export function refuseTokenizeTextThatCannotFit(text: string, bound: TokenBytesBound, maxModelLen: number, param: string): void {
  const minTokens = minTokensOf(text, bound);
  if (minTokens <= maxModelLen) return;
  throw new ApiError('invalid_request', `Could not tokenize: prompt length is at least ${minTokens} tokens, but max model context length is ${maxModelLen}.`, param);
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * A prompt list longer than max_model_len, refused before the schema walks it (zod spends microseconds per
 * element: a 4 MB list of ids would hold the event loop for seconds). Ids: SPEC §1.4's refusal with the
 * exact length; a list of texts: the one-prompt-per-request refusal.
 */
export function refuseOverlongPromptList(body: unknown, config: Pick<EngineConfig, 'maxModelLen' | 'blockSize'>): void {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const prompt = fields['prompt'];
  if (!Array.isArray(prompt) || prompt.length <= config.maxModelLen) return;
  if (typeof prompt[0] !== 'number') throw new ApiError('invalid_request', `'prompt': one prompt per request is supported, got ${prompt.length}.`, 'prompt');
  const padded = Math.ceil(prompt.length / config.blockSize) * config.blockSize;
  const outputTokens = positiveInteger(fields['max_tokens']) ?? Math.max(1, config.maxModelLen - padded);
  throw new ApiError(
    'invalid_request',
    `Could not add request: prompt length is ${prompt.length} tokens, which gets padded to ${padded} tokens, maximum number of output tokens is ${outputTokens} tokens, but max model context length is ${config.maxModelLen}.`,
    'prompt',
  );
}

/** /detokenize of more ids than max_model_len (no sequence of this model is longer), refused before the schema walks them. */
export function refuseOverlongDetokenizeList(body: unknown, maxModelLen: number): void {
  const tokens = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['tokens'] : undefined;
  if (!Array.isArray(tokens) || tokens.length <= maxModelLen) return;
  throw new ApiError('invalid_request', `Could not detokenize: ${tokens.length} tokens is more than max model context length ${maxModelLen}; no sequence of this model is longer.`, 'tokens');
}
