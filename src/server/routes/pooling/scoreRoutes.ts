import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { POOLING_PREPARED_BODY_ROUTE } from '../../body/largeJsonBody.js';
import { createdNowS } from '../../openai/usage.js';
import type { PoolingServerContext } from '../../poolingServerContext.js';
import { clientGoneSignal } from '../generation.js';
import { poolingUsage, runPoolingCall } from './poolingCall.js';

/**
 * POST /score, /v1/score (vLLM's score API) and /rerank, /v1/rerank, /v2/rerank (Jina / Cohere shapes). Each
 * body is parsed, checked (and, when large, tokenized) where it was parsed: src/server/body/poolingPreparers.ts.
 */
export function registerScoreRoutes(app: FastifyInstance, context: PoolingServerContext): void {
  const score = async (httpRequest: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const { model, pairs } = await context.bodies.prepare('score', httpRequest.body, clientGoneSignal(reply));
    const answered = await runPoolingCall(context, reply, 'score', pairs.length, null, (signal) => context.engine.scorePairs(pairs, { signal }));
    return {
      id: answered.requestId,
      object: 'list',
      created: createdNowS(),
      model,
      data: answered.results.map((result) => ({ index: result.index, object: 'score', score: result.score })),
      usage: poolingUsage(answered.results),
    };
  };
  app.post('/score', POOLING_PREPARED_BODY_ROUTE, score);
  app.post('/v1/score', POOLING_PREPARED_BODY_ROUTE, score);

  const rerank = async (httpRequest: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const { model, query, documents, pairs, numDocuments, topN, withDocuments } = await context.bodies.prepare('rerank', httpRequest.body, clientGoneSignal(reply));
    // Every document is scored (and counted in the usage); top_n only cuts the answer.
    const answered = await runPoolingCall(context, reply, 'rerank', numDocuments, null, (signal) =>
      pairs !== undefined ? context.engine.rerankPairs(pairs, { signal }) : context.engine.rerank(query, documents, { signal }));
    return {
      id: answered.requestId,
      model,
      usage: { total_tokens: poolingUsage(answered.results).total_tokens },
      results: answered.results.slice(0, topN ?? answered.results.length).map((result) => ({
        index: result.index,
        ...(withDocuments ? { document: { text: documents[result.index] } } : {}),
        relevance_score: result.relevanceScore,
      })),
    };
  };
  app.post('/rerank', POOLING_PREPARED_BODY_ROUTE, rerank);
  app.post('/v1/rerank', POOLING_PREPARED_BODY_ROUTE, rerank);
  app.post('/v2/rerank', POOLING_PREPARED_BODY_ROUTE, rerank);
}
