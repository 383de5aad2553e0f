// The pooling routes over a fake PoolingEngine (fastify inject): what each request becomes as an engine
// call, what the engine's answers and errors become over HTTP.
import { describe, expect, it } from 'vitest';
import type { EngineConfig } from '../../../src/core/contracts/config.js';
import { EngineError } from '../../../src/core/contracts/errors.js';
import type { PoolingEngine } from '../../../src/core/engine/poolingEngine.js';
import type { PoolingInput, ScoreResult } from '../../../src/core/scheduler/pooling/poolingResults.js';
import { createPoolingServer } from '../../../src/server/createPoolingServer.js';

const CONFIG = { model: '/models/ce', servedModelName: 'ce', maxModelLen: 128, apiKey: undefined, disableLogRequests: true, perfMetricLoggingEnabled: false, task: 'score' } as unknown as EngineConfig;

type Pair = readonly [PoolingInput, PoolingInput];

/** Records every engine call; scores a pair by the length of its document, or fails as told. */
class FakePoolingEngine {
  readonly calls: { method: string; args: unknown[] }[] = [];
  failWith: Error | undefined;
  readonly description = { outputWidth: 4 };

  async scorePairs(pairs: readonly Pair[]): Promise<readonly ScoreResult[]> {
    this.calls.push({ method: 'scorePairs', args: [pairs] });
    if (this.failWith) throw this.failWith;
    return pairs.map(([, document], index) => ({ index, score: String(document).length / 100, promptTokens: 3 }));
  }

  async rerank(query: PoolingInput, documents: readonly PoolingInput[], options: { topN?: number }): Promise<unknown> {
    this.calls.push({ method: 'rerank', args: [query, documents, options.topN] });
    const scores = await this.scorePairs(documents.map((document) => [query, document] as const));
    return [...scores].sort((a, b) => b.score - a.score).map((score) => ({ index: score.index, relevanceScore: score.score, promptTokens: score.promptTokens }));
  }

  async embed(inputs: readonly PoolingInput[], options: { normalize?: boolean }): Promise<unknown> {
    this.calls.push({ method: 'embed', args: [inputs, options.normalize] });
    if (this.failWith) throw this.failWith;
    return inputs.map((_, index) => ({ index, embedding: Float32Array.from([index, 0.5, -1, 2]), promptTokens: 2 }));
  }
}

function serverWith(engine: FakePoolingEngine): ReturnType<typeof createPoolingServer> {
  return createPoolingServer(engine as unknown as PoolingEngine, CONFIG);
}

async function post(engine: FakePoolingEngine, url: string, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const { app } = serverWith(engine);
  const response = await app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  return { status: response.statusCode, body: response.json() };
}

describe('having the pooling server over a fake engine', () => {
  describe('when /score gets text_1 as one string, as a one-item list, and as a list as long as text_2', () => {
    it("should pair them 1:N, 1:N and N:N as vLLM does", async () => {
      const engine = new FakePoolingEngine();
      await post(engine, '/score', { text_1: 'q', text_2: ['a', 'bb'] });
      await post(engine, '/score', { text_1: ['q'], text_2: ['a', 'bb', 'ccc'] });
      await post(engine, '/score', { text_1: ['q1', 'q2'], text_2: ['a', 'bb'] });
      await post(engine, '/score', { text_1: 'q', text_2: 'a' });
      expect(engine.calls.map((call) => call.args[0])).toEqual([
        [['q', 'a'], ['q', 'bb']],
        [['q', 'a'], ['q', 'bb'], ['q', 'ccc']],
        [['q1', 'a'], ['q2', 'bb']],
        [['q', 'a']],
      ]);
    });
  });

  describe('when a request leaves out the model', () => {
    it('should be answered by the served model, named in the answer', async () => {
      const answer = await post(new FakePoolingEngine(), '/v1/score', { text_1: 'q', text_2: ['a'] });
      expect(answer.status).toBe(200);
      expect(answer.body['model']).toBe('ce');
      expect(answer.body['data']).toEqual([{ index: 0, object: 'score', score: 0.01 }]);
      expect(answer.body['usage']).toEqual({ prompt_tokens: 3, total_tokens: 3, completion_tokens: 0 });
    });
  });

  describe('when the engine refuses a call (invalid_request) or fails (backend_failed)', () => {
    it("should answer 400 with the engine's text and the route's field, or 500", async () => {
      const engine = new FakePoolingEngine();
      engine.failWith = new EngineError('invalid_request', 'The prompt is 300 tokens long, which is longer than the largest warmup shape (prompt length 128, batch size 1); it cannot be scheduled.');
      const refused = await post(engine, '/v1/embeddings', { input: ['x'] });
      expect(refused.status).toBe(400);
      expect(refused.body['error']).toMatchObject({ message: engine.failWith.message, param: 'input', type: 'invalid_request_error' });
      engine.failWith = new EngineError('backend_failed', 'pooling batch 3 failed: device lost');
      const failed = await post(engine, '/v1/embeddings', { input: ['x'] });
      expect(failed.status).toBe(500);
      expect(failed.body['error']).toMatchObject({ message: 'pooling batch 3 failed: device lost', type: 'internal_server_error' });
    });
  });

  describe('when an embedding is asked as base64 and unnormalised', () => {
    it('should pass normalize to the engine and send the little-endian float32 bytes', async () => {
      const engine = new FakePoolingEngine();
      const answer = await post(engine, '/v1/embeddings', { input: [[1, 2], [3]], encoding_format: 'base64', normalize: false });
      expect(engine.calls[0]?.args).toEqual([[[1, 2], [3]], false]);
      const second = (answer.body['data'] as { embedding: string }[])[1]?.embedding ?? '';
      expect(Array.from(new Float32Array(new Uint8Array(Buffer.from(second, 'base64')).buffer))).toEqual([1, 0.5, -1, 2]);
    });
  });

  describe('when a rerank asks for top_n', () => {
    it('should score every document and cut the answer', async () => {
      const engine = new FakePoolingEngine();
      const answer = await post(engine, '/rerank', { query: 'q', documents: ['a', 'ccc', 'bb'], top_n: 2 });
      expect(answer.body['results']).toEqual([
        { index: 1, document: { text: 'ccc' }, relevance_score: 0.03 },
        { index: 2, document: { text: 'bb' }, relevance_score: 0.02 },
      ]);
      expect(answer.body['usage']).toEqual({ total_tokens: 9 });
    });
  });

  describe('when a body is larger than the pooling routes parse inline and no tokenizer worker exists (no tokenizer files)', () => {
    it('should parse it here and make the same engine call and answer as the same request sent small', async () => {
      const small = new FakePoolingEngine();
      const large = new FakePoolingEngine();
      const request = { query: 'q', documents: ['a', 'ccc', 'bb'], top_n: 2 };
      const smallAnswer = await post(small, '/rerank', request);
      const largeAnswer = await post(large, '/rerank', { ...request, pad: 'x'.repeat(8192) });
      expect(large.calls).toEqual(small.calls);
      expect(largeAnswer.body['results']).toEqual(smallAnswer.body['results']);
      const broken = await serverWith(large).app.inject({ method: 'POST', url: '/v1/embeddings', headers: { 'content-type': 'application/json' }, payload: `{"input": "${'x'.repeat(8192)}"` });
      expect(broken.statusCode).toBe(400);
      expect(broken.json()['error']['message']).toMatch(/^The request body is not valid JSON/);
    });
  });

  describe('when a generation route is called', () => {
    it("should answer vLLM's 400 without calling the engine", async () => {
      const engine = new FakePoolingEngine();
      const answer = await post(engine, '/v1/chat/completions', { model: 'ce', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toMatchObject({ message: 'The model does not support Chat Completions API' });
      expect(engine.calls).toEqual([]);
    });
  });
});
