import type { Usage } from '../../core/engine/generationTypes.js';

/** OpenAI's usage object. */
export interface OpenAiUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

export function toOpenAiUsage(usage: Usage): OpenAiUsage {
  return { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens };
}

/** Seconds since the epoch, as OpenAI's `created`. */
export function createdNowS(): number {
  return Math.floor(Date.now() / 1000);
}
