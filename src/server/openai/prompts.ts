import type { ChatTurn } from '../../core/contracts/textCodec.js';
import { ApiError } from '../errors/apiError.js';
import type { ChatRequest } from '../schemas/chatRequest.js';
import type { CompletionRequest } from '../schemas/completionRequest.js';
import type { FrontendTokenizer } from './frontendTokenizer.js';

/** Refuses token ids the model has no row for (they would fail inside the device step). */
export function requireKnownTokenIds(ids: readonly number[], vocabSize: number | undefined, field: string): void {
  if (vocabSize === undefined) return;
  const unknown = ids.find((id) => id >= vocabSize);
  if (unknown !== undefined) throw new ApiError('invalid_request', `'${field}': token id ${unknown} is outside the vocabulary (ids 0 to ${vocabSize - 1}).`, field);
}

/** The tokenizer a route's preparation reads: the server's FrontendTokenizer, or a body worker's inline one. */
export type PromptTokenizer = Pick<FrontendTokenizer, 'bytesBound' | 'encode' | 'decode' | 'applyChatTemplate'>;

/** Throws when a text cannot fit before it is tokenized (promptLengthBound). */
export type TextGuard = (text: string) => void;

/** The prompt's token ids. One prompt per request: a list of several is refused (n and batching are 1). */
export async function completionPromptIds(prompt: CompletionRequest['prompt'], tokenizer: PromptTokenizer, guard: TextGuard, signal?: AbortSignal): Promise<readonly number[]> {
  const encode = (text: string): Promise<number[]> => {
    guard(text);
    return tokenizer.encode(text, { signal });
  };
  if (typeof prompt === 'string') return encode(prompt);
  if (prompt.length === 0) throw new ApiError('invalid_request', "'prompt': must not be empty.", 'prompt');
  const first = prompt[0];
  if (typeof first === 'number') return prompt as readonly number[];
  if (prompt.length > 1) throw new ApiError('invalid_request', `'prompt': one prompt per request is supported, got ${prompt.length}.`, 'prompt');
  return typeof first === 'string' ? encode(first) : (first as readonly number[]);
}

function turnText(content: ChatRequest['messages'][number]['content']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text).join('');
}

/** Chat turns → prompt ids through the model's chat template (its own bos, as transformers does); `guard` sees the rendered text. */
export async function chatPromptIds(messages: ChatRequest['messages'], tokenizer: PromptTokenizer, guard: TextGuard, signal?: AbortSignal): Promise<readonly number[]> {
  const turns: ChatTurn[] = messages.map((message) => ({ role: message.role, content: turnText(message.content) }));
  const text = await tokenizer.applyChatTemplate(turns, { addGenerationPrompt: true, signal });
  guard(text);
  return tokenizer.encode(text, { addSpecialTokens: false, signal });
}
