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
