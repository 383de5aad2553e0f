import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/apiError.js';
import { createdNowS } from '../../openai/usage.js';
import type { PoolingServerContext } from '../../poolingServerContext.js';
import { parseBody } from '../../schemas/parseBody.js';
import { rerankRequestSchema, scoreRequestSchema } from '../../schemas/poolingRequests.js';
import { checkCommonFields, poolingUsage, runPoolingCall } from './poolingCall.js';

const asList = (texts: string | readonly string[]): readonly string[] => (typeof texts === 'string' ? [texts] : texts);

/** vLLM's pairing rule: 1:1, 1:N (one `text_1` against every `text_2`) or N:N (zipped). */
function scorePairs(text1: readonly string[], text2: readonly string[]): ReadonlyArray<readonly [string, string]> {
  if (text1.length === 0) throw new ApiError('invalid_request', "'text_1': at least one text element must be given.", 'text_1');
  if (text2.length === 0) throw new ApiError('invalid_request', "'text_2': at least one text element must be given.", 'text_2');
  if (text1.length > 1 && text1.length !== text2.length) {
    throw new ApiError('invalid_request', `Input lengths must be either 1:1, 1:N or N:N, but 'text_1' has ${text1.length} and 'text_2' has ${text2.length}.`, 'text_2');
  }
  return text2.map((document, index) => [text1.length === 1 ? (text1[0] as string) : (text1[index] as string), document] as const);
}

/** POST /score, /v1/score (vLLM's score API) and /rerank, /v1/rerank, /v2/rerank (Jina / Cohere shapes). */
export function registerScoreRoutes(app: FastifyInstance, context: PoolingServerContext): void {
  const score = async (httpRequest: { body: unknown }, reply: Parameters<typeof runPoolingCall>[1]): Promise<unknown> => {
    const request = parseBody(scoreRequestSchema, httpRequest.body);
    const model = checkCommonFields(context, request);
    const pairs = scorePairs(asList(request.text_1), asList(request.text_2));
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
  app.post('/score', score);
  app.post('/v1/score', score);

  const rerank = async (httpRequest: { body: unknown }, reply: Parameters<typeof runPoolingCall>[1]): Promise<unknown> => {
    const request = parseBody(rerankRequestSchema, httpRequest.body);
    const model = checkCommonFields(context, request);
    const documents = request.documents;
    // Every document is scored (and counted in the usage); top_n only cuts the answer. 0 keeps all, as in vLLM.
    const answered = await runPoolingCall(context, reply, 'rerank', documents.length, null, (signal) => context.engine.rerank(request.query, documents, { signal }));
    const topN = request.top_n !== undefined && request.top_n !== null && request.top_n > 0 ? request.top_n : answered.results.length;
    const withDocuments = request.return_documents !== false;
    return {
      id: answered.requestId,
      model,
      usage: { total_tokens: poolingUsage(answered.results).total_tokens },
      results: answered.results.slice(0, topN).map((result) => ({
        index: result.index,
        ...(withDocuments ? { document: { text: documents[result.index] } } : {}),
        relevance_score: result.relevanceScore,
      })),
    };
  };
  app.post('/rerank', rerank);
  app.post('/v1/rerank', rerank);
  app.post('/v2/rerank', rerank);
}
