import type { FastifyInstance } from 'fastify';
import { embeddingToBase64 } from '../../../core/scheduler/pooling/embeddingEncoding.js';
import { POOLING_PREPARED_BODY_ROUTE } from '../../body/largeJsonBody.js';
import { createdNowS } from '../../openai/usage.js';
import type { PoolingServerContext } from '../../poolingServerContext.js';
import { clientGoneSignal } from '../generation.js';
import { poolingUsage, runPoolingCall } from './poolingCall.js';

function encodeVector(vector: Float32Array, format: 'float' | 'base64' | null | undefined): number[] | string {
  return format === 'base64' ? embeddingToBase64(vector) : Array.from(vector);
}

/**
 * POST /v1/embeddings (OpenAI's shape), /pooling (raw outputs) and /classify (vLLM's shape). Each body is
 * parsed, checked (and, when large, tokenized) where it was parsed: src/server/body/poolingPreparers.ts.
 */
export function registerEmbeddingRoutes(app: FastifyInstance, context: PoolingServerContext): void {
  app.post('/v1/embeddings', POOLING_PREPARED_BODY_ROUTE, async (httpRequest, reply) => {
    const { model, inputs, normalize, encodingFormat } = await context.bodies.prepare('embeddings', httpRequest.body, clientGoneSignal(reply));
    const answered = await runPoolingCall(context, reply, 'embd', inputs.length, 'input', (signal) => context.engine.embed(inputs, normalize !== undefined ? { signal, normalize } : { signal }));
    return {
      id: answered.requestId,
      object: 'list',
      created: createdNowS(),
      model,
      data: answered.results.map((result) => ({ object: 'embedding', index: result.index, embedding: encodeVector(result.embedding, encodingFormat) })),
      usage: poolingUsage(answered.results),
    };
  });

  app.post('/pooling', POOLING_PREPARED_BODY_ROUTE, async (httpRequest, reply) => {
    const { model, inputs, encodingFormat } = await context.bodies.prepare('pooling', httpRequest.body, clientGoneSignal(reply));
    const answered = await runPoolingCall(context, reply, 'pool', inputs.length, 'input', (signal) => context.engine.pool(inputs, { signal }));
    return {
      id: answered.requestId,
      object: 'list',
      created: createdNowS(),
      model,
      data: answered.results.map((result) => ({ index: result.index, object: 'pooling', data: encodeVector(result.data, encodingFormat) })),
      usage: poolingUsage(answered.results),
    };
  });

  app.post('/classify', POOLING_PREPARED_BODY_ROUTE, async (httpRequest, reply) => {
    const { model, inputs } = await context.bodies.prepare('classify', httpRequest.body, clientGoneSignal(reply));
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
