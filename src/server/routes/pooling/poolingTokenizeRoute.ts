import type { FastifyInstance } from 'fastify';
import type { PoolingTextEncoder } from '../../../core/contracts/pooling.js';
import { ApiError } from '../../errors/apiError.js';
import type { PoolingServerContext } from '../../poolingServerContext.js';
import { parseBody } from '../../schemas/parseBody.js';
import { tokenizeRequestSchema } from '../../schemas/tokenizeRequest.js';
import { requireServedModel } from '../../openai/servedModel.js';

/**
 * POST /tokenize on a pooling model: `{prompt}` → the ids the engine would run (special tokens included,
 * as the model's tokenizer adds them). Chat messages are refused: encoders have no chat template.
 */
export function registerPoolingTokenizeRoute(app: FastifyInstance, context: PoolingServerContext, textEncoder: PoolingTextEncoder): void {
  app.post('/tokenize', async (httpRequest) => {
    const request = parseBody(tokenizeRequestSchema, httpRequest.body);
    if (typeof request.model === 'string') requireServedModel(context, request.model);
    if (!('prompt' in request)) throw new ApiError('invalid_request', "'messages': a pooling model has no chat template; send 'prompt'.", 'messages');
    const tokens = textEncoder.encode(request.prompt).tokenIds;
    return { count: tokens.length, max_model_len: context.config.maxModelLen, tokens };
  });
}
