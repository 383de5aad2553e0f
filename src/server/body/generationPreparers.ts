// What the generation routes do with a request body before the engine sees it: parse it with the route's
// schema, check its fields and tokenize its prompt. The same functions run on the main thread (small
// bodies) and on the body worker (large ones), so a body answers the same 400 wherever it was parsed; each
// returns only what the route needs next (the scalar fields and the prompt's ids), which is small: a
// prompt that passes the checks fits max_model_len.
import type { EngineConfig } from '../../core/contracts/config.js';
import { ApiError } from '../errors/apiError.js';
import { refuseUnsupported } from '../openai/generateParams.js';
import { refuseGenerationTextThatCannotFit, refuseOverlongDetokenizeList, refuseOverlongPromptList, refuseTokenizeTextThatCannotFit } from '../openai/promptLengthBound.js';
import { chatPromptIds, completionPromptIds, requireKnownTokenIds, type PromptTokenizer } from '../openai/prompts.js';
import { requireServedModel, type ServedModelNames } from '../openai/servedModel.js';
import { chatRequestSchema, type ChatRequest } from '../schemas/chatRequest.js';
import { completionRequestSchema, type CompletionRequest } from '../schemas/completionRequest.js';
import { parseBody } from '../schemas/parseBody.js';
import { detokenizeRequestSchema, tokenizeRequestSchema } from '../schemas/tokenizeRequest.js';

/** The served model's settings the checks read: plain data, posted to the body worker with each body. */
export interface GenerationBodyEnv extends ServedModelNames {
  readonly config: Pick<EngineConfig, 'maxModelLen' | 'blockSize' | 'servedModelName'>;
  /** When known, token ids must be below it. */
  readonly vocabSize: number | undefined;
}

export interface PreparedCompletion {
  readonly request: Omit<CompletionRequest, 'prompt'>;
  readonly promptIds: readonly number[];
}

export interface PreparedChat {
  readonly request: Omit<ChatRequest, 'messages'>;
  readonly promptIds: readonly number[];
}

/** /tokenize's whole answer. */
export interface TokenizeAnswer {
  readonly count: number;
  readonly max_model_len: number;
  readonly tokens: readonly number[];
}

/** /detokenize's whole answer. */
export interface DetokenizeAnswer {
  readonly prompt: string;
}

async function prepareCompletion(body: unknown, env: GenerationBodyEnv, tokenizer: PromptTokenizer, signal?: AbortSignal): Promise<PreparedCompletion> {
  refuseOverlongPromptList(body, env.config);
  const { prompt, ...request } = parseBody(completionRequestSchema, body);
  requireServedModel(env, request.model);
  refuseUnsupported(request);
  if (request.echo === true) throw new ApiError('invalid_request', "'echo': echoing the prompt is not supported.", 'echo');
  if (request.suffix !== undefined && request.suffix !== null) throw new ApiError('invalid_request', "'suffix': suffixes are not supported.", 'suffix');
  const guard = (text: string): void => refuseGenerationTextThatCannotFit(text, tokenizer.bytesBound, env.config, request.max_tokens ?? undefined, 'prompt');
  const promptIds = await completionPromptIds(prompt, tokenizer, guard, signal);
  requireKnownTokenIds(promptIds, env.vocabSize, 'prompt');
  return { request, promptIds };
}

async function prepareChat(body: unknown, env: GenerationBodyEnv, tokenizer: PromptTokenizer, signal?: AbortSignal): Promise<PreparedChat> {
  const { messages, ...request } = parseBody(chatRequestSchema, body);
  requireServedModel(env, request.model);
  refuseUnsupported(request);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const guard = (text: string): void => refuseGenerationTextThatCannotFit(text, tokenizer.bytesBound, env.config, maxTokens, 'messages');
  return { request, promptIds: await chatPromptIds(messages, tokenizer, guard, signal) };
}

async function prepareTokenize(body: unknown, env: GenerationBodyEnv, tokenizer: PromptTokenizer, signal?: AbortSignal): Promise<TokenizeAnswer> {
  const request = parseBody(tokenizeRequestSchema, body);
  if (typeof request.model === 'string') requireServedModel(env, request.model);
  const text = 'prompt' in request ? request.prompt : await tokenizer.applyChatTemplate(request.messages, { addGenerationPrompt: request.add_generation_prompt ?? true, signal });
  refuseTokenizeTextThatCannotFit(text, tokenizer.bytesBound, env.config.maxModelLen, 'prompt' in request ? 'prompt' : 'messages');
  const tokens = await tokenizer.encode(text, { addSpecialTokens: 'prompt' in request ? (request.add_special_tokens ?? true) : false, signal });
  return { count: tokens.length, max_model_len: env.config.maxModelLen, tokens };
}

async function prepareDetokenize(body: unknown, env: GenerationBodyEnv, tokenizer: PromptTokenizer, signal?: AbortSignal): Promise<DetokenizeAnswer> {
  refuseOverlongDetokenizeList(body, env.config.maxModelLen);
  const request = parseBody(detokenizeRequestSchema, body);
  if (typeof request.model === 'string') requireServedModel(env, request.model);
  requireKnownTokenIds(request.tokens, env.vocabSize, 'tokens');
  return { prompt: await tokenizer.decode(request.tokens, signal ? { signal } : {}) };
}

/** Per route of the generation plugin, its body's preparation (the body worker looks them up by name). */
export const GENERATION_BODY_PREPARERS = {
  completion: prepareCompletion,
  chat: prepareChat,
  tokenize: prepareTokenize,
  detokenize: prepareDetokenize,
} as const;
