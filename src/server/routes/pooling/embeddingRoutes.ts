import type { FastifyInstance } from 'fastify';
import { embeddingToBase64 } from '../../../core/scheduler/pooling/embeddingEncoding.js';
import { ApiError } from '../../errors/apiError.js';
import { createdNowS } from '../../openai/usage.js';
import type { PoolingServerContext } from '../../poolingServerContext.js';
import { parseBody } from '../../schemas/parseBody.js';
import { classifyRequestSchema, embeddingsRequestSchema, poolingRequestSchema } from '../../schemas/poolingRequests.js';
import { checkCommonFields, poolingUsage, runPoolingCall, toPoolingInputs } from './poolingCall.js';

function encodeVector(vector: Float32Array, format: 'float' | 'base64' | null | undefined): number[] | string {
  return format === 'base64' ? embeddingToBase64(vector) : Array.from(vector);
}

/** POST /v1/embeddings (OpenAI's shape), /pooling (raw outputs) and /classify (vLLM's shape). */
export function registerEmbeddingRoutes(app: FastifyInstance, context: PoolingServerContext): void {
  app.post('/v1/embeddings', async (httpRequest, reply) => {
    const request = parseBody(embeddingsRequestSchema, httpRequest.body);
    const model = checkCommonFields(context, request);
    if (request.dimensions !== undefined && request.dimensions !== null) {
      throw new ApiError(
        'invalid_request',
        `'dimensions': the model '${context.config.servedModelName}' does not support matryoshka representation, so its output dimensions (${context.engine.description.outputWidth}) cannot be changed.`,
        'dimensions',
      );
    }
    const inputs = toPoolingInputs(request.input);
    const normalize = request.normalize ?? undefined;
    const answered = await runPoolingCall(context, reply, 'embd', inputs.length, 'input', (signal) => context.engine.embed(inputs, normalize !== undefined ? { signal, normalize } : { signal }));
    return {
      id: answered.requestId,
      object: 'list',
      created: createdNowS(),
      model,
      data: answered.results.map((result) => ({ object: 'embedding', index: result.index, embedding: encodeVector(result.embedding, request.encoding_format) })),
      usage: poolingUsage(answered.results),
    };
  });

  app.post('/pooling', async (httpRequest, reply) => {
    const request = parseBody(poolingRequestSchema, httpRequest.body);
    const model = checkCommonFields(context, request);
    const inputs = toPoolingInputs(request.input);
    const answered = await runPoolingCall(context, reply, 'pool', inputs.length, 'input', (signal) => context.engine.pool(inputs, { signal }));
    return {
      id: answered.requestId,
      object: 'list',
      created: createdNowS(),
      model,
      data: answered.results.map((result) => ({ index: result.index, object: 'pooling', data: encodeVector(result.data, request.encoding_format) })),
      usage: poolingUsage(answered.results),
    };
  });

  app.post('/classify', async (httpRequest, reply) => {
    const request = parseBody(classifyRequestSchema, httpRequest.body);
    const model = checkCommonFields(context, request);
    const inputs = toPoolingInputs(request.input);
    const answered = await runPoolingCall(context, reply, 'classify', inputs.length, 'input', (signal) => context.engine.classify(inputs, { signal }));
    return {
      id: answered.requestId,
      object: 'list',
      created: createdNowS(),
      model,
      data: answered.results.map((result) => ({ index: result.index, label: result.label, probs: result.probs, num_classes: result.probs.length })),
      usage: poolingUsage(answered.results),
    };
  });
}
