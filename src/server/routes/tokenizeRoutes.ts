import type { FastifyInstance } from 'fastify';
import { detokenizeRequestSchema, tokenizeRequestSchema } from '../schemas/tokenizeRequest.js';
import { requireKnownTokenIds } from '../openai/prompts.js';
import { parseBody } from '../schemas/parseBody.js';
import { refuseOverlongDetokenizeList, refuseTokenizeTextThatCannotFit } from '../openai/promptLengthBound.js';
import type { ServerContext } from '../serverContext.js';
import { clientGoneSignal, requireServedModel } from './generation.js';

/** POST /tokenize and /detokenize, in vLLM's shapes. */
export function registerTokenizeRoutes(app: FastifyInstance, context: ServerContext): void {
  const tokenizer = context.tokenizer;
  app.post('/tokenize', async (httpRequest, reply) => {
    const signal = clientGoneSignal(reply);
    const request = parseBody(tokenizeRequestSchema, httpRequest.body);
    if (typeof request.model === 'string') requireServedModel(context, request.model);
    const text = 'prompt' in request ? request.prompt : await tokenizer.applyChatTemplate(request.messages, { addGenerationPrompt: request.add_generation_prompt ?? true, signal });
    refuseTokenizeTextThatCannotFit(text, tokenizer.bytesBound, context.config.maxModelLen, 'prompt' in request ? 'prompt' : 'messages');
    const tokens = await tokenizer.encode(text, { addSpecialTokens: 'prompt' in request ? (request.add_special_tokens ?? true) : false, signal });
    return { count: tokens.length, max_model_len: context.config.maxModelLen, tokens };
  });

  app.post('/detokenize', async (httpRequest, reply) => {
    refuseOverlongDetokenizeList(httpRequest.body, context.config.maxModelLen);
    const request = parseBody(detokenizeRequestSchema, httpRequest.body);
    if (typeof request.model === 'string') requireServedModel(context, request.model);
    requireKnownTokenIds(request.tokens, context.vocabSize, 'tokens');
    return { prompt: await tokenizer.decode(request.tokens, { signal: clientGoneSignal(reply) }) };
  });
}
