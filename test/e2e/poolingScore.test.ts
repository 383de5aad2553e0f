// `spyre serve` over the tiny cross-encoder, on loopback, over plain HTTP (fetch): /score in its 1:1, 1:N
// and N:N forms, the three rerank paths (order = the /score results sorted), /classify, the bad requests;
// and the pooling routes refused by a generative model's server.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../src/server/serve/startServe.js';
import type { RunningPoolingServer } from '../../src/server/serve/startServe.js';
import { SERVE_POOLING_HINT } from '../../src/server/routes/unsupportedRoutes.js';
import { buildTempEncoder, type TempEncoder } from '../support/tinyEncoder.js';
import { postRaw, startServerRig, type ServerRig } from './support/serverRig.js';

const SERVED = 'tiny-ce';
const QUERY = 'Where is the capital of France?';
const DOCUMENTS = ['Paris is the capital of France.', 'Bananas are yellow.', 'France has many cities; its capital is Paris.', 'The weather is nice today.', 'Where?'];
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

let encoder: TempEncoder;
let running: RunningPoolingServer;

beforeAll(async () => {
  encoder = buildTempEncoder('tiny-cross-encoder');
  const started = await startServe({
    flags: { model: encoder.dir, port: 0, servedModelName: SERVED, logLevel: 'error', disableLogRequests: true },
    env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4,1' },
    stderr: quiet,
    graceS: 1,
  });
  if (started.kind !== 'pooling') throw new Error(`startServe picked ${started.kind} for a cross-encoder directory`);
  running = started.running;
});
afterAll(async () => {
  await running?.shutdown('test end');
  encoder?.remove();
});

interface ScoreBody {
  readonly id: string;
  readonly object: string;
  readonly model: string;
  readonly data: { index: number; object: string; score: number }[];
  readonly usage: { prompt_tokens: number; total_tokens: number };
}

interface RerankBody {
  readonly id: string;
  readonly model: string;
  readonly usage: { total_tokens: number };
  readonly results: { index: number; document?: { text: string }; relevance_score: number }[];
}

async function post<T>(path: string, body: unknown, expectedStatus = 200): Promise<T> {
  const answer = await postRaw(running.url, path, JSON.stringify(body));
  expect(answer.status, JSON.stringify(answer.json)).toBe(expectedStatus);
  return answer.json as T;
}

describe('having spyre serve started on the tiny cross-encoder without --task', () => {
  describe('when it started', () => {
    it('should run the PoolingEngine with the score task', () => {
      expect(running.created.config.task).toBe('score');
    });
  });

  describe('when /score gets one query and five documents (1:N)', () => {
    it("should answer one score per document in vLLM's shape, equal to the PoolingEngine called directly", async () => {
      const body = await post<ScoreBody>('/score', { model: SERVED, text_1: QUERY, text_2: DOCUMENTS });
      const direct = await running.created.engine.score(QUERY, DOCUMENTS);
      expect(body.object).toBe('list');
      expect(body.model).toBe(SERVED);
      expect(body.id).toMatch(/^score-/);
      expect(body.data.map((item) => [item.index, item.object])).toEqual(DOCUMENTS.map((_, index) => [index, 'score']));
      expect(body.data.map((item) => item.score)).toEqual(direct.map((result) => result.score));
      for (const item of body.data) expect(item.score).toBeGreaterThan(0);
      for (const item of body.data) expect(item.score).toBeLessThan(1);
      expect(body.usage.prompt_tokens).toBe(direct.reduce((sum, result) => sum + result.promptTokens, 0));
    });
  });

  describe('when /v1/score gets two lists of equal length (N:N) and single pairs (1:1)', () => {
    it('should score each pair as its own 1:1 request does', async () => {
      const queries = [QUERY, 'What colour are bananas?'];
      const documents = [DOCUMENTS[0] as string, DOCUMENTS[1] as string];
      const zipped = await post<ScoreBody>('/v1/score', { model: SERVED, text_1: queries, text_2: documents });
      const single = await Promise.all(queries.map((query, index) => post<ScoreBody>('/v1/score', { model: SERVED, text_1: query, text_2: documents[index] })));
      expect(zipped.data.map((item) => item.index)).toEqual([0, 1]);
      zipped.data.forEach((item, index) => expect(item.score).toBeCloseTo(single[index]?.data[0]?.score ?? NaN, 6));
    });
  });

  describe('when the same query and documents are reranked on /rerank, /v1/rerank and /v2/rerank', () => {
    it('should list the documents by the /score results sorted best first, the same on every path', async () => {
      const scores = await post<ScoreBody>('/score', { model: SERVED, text_1: QUERY, text_2: DOCUMENTS });
      const expected = [...scores.data].sort((a, b) => b.score - a.score || a.index - b.index);
      const answers = await Promise.all(['/rerank', '/v1/rerank', '/v2/rerank'].map((path) => post<RerankBody>(path, { model: SERVED, query: QUERY, documents: DOCUMENTS })));
      for (const answer of answers) {
        expect(answer.model).toBe(SERVED);
        expect(answer.id).toMatch(/^rerank-/);
        expect(answer.results.map((result) => result.index)).toEqual(expected.map((item) => item.index));
        answer.results.forEach((result, rank) => {
          expect(result.relevance_score).toBeCloseTo(expected[rank]?.score ?? NaN, 6);
          expect(result.document).toEqual({ text: DOCUMENTS[result.index] });
        });
        expect(answer.usage.total_tokens).toBe(scores.usage.total_tokens);
      }
    });
  });

  describe('when a rerank asks for top_n 2 without documents', () => {
    it('should keep the best two, without document texts, still counting every document in the usage', async () => {
      const all = await post<RerankBody>('/v1/rerank', { model: SERVED, query: QUERY, documents: DOCUMENTS });
      const top = await post<RerankBody>('/v1/rerank', { model: SERVED, query: QUERY, documents: DOCUMENTS, top_n: 2, return_documents: false });
      expect(top.results).toEqual(all.results.slice(0, 2).map(({ index, relevance_score }) => ({ index, relevance_score })));
      expect(top.usage.total_tokens).toBe(all.usage.total_tokens);
      const zero = await post<RerankBody>('/rerank', { model: SERVED, query: QUERY, documents: DOCUMENTS, top_n: 0 });
      expect(zero.results).toHaveLength(DOCUMENTS.length);
    });
  });

  describe('when /classify gets two texts', () => {
    it("should answer the one label with probability 1 in vLLM's shape", async () => {
      const body = await post<{ object: string; data: { index: number; label: string; probs: number[]; num_classes: number }[]; usage: { prompt_tokens: number } }>(
        '/classify', { model: SERVED, input: ['good', 'bad'] },
      );
      expect(body.object).toBe('list');
      expect(body.data).toHaveLength(2);
      for (const item of body.data) expect(item).toMatchObject({ num_classes: 1, probs: [1] });
      expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    });
  });
});

interface BadCase {
  readonly name: string;
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  readonly param?: string | null;
  readonly message: RegExp;
}

const longText = 'word '.repeat(300);

const CASES: readonly BadCase[] = [
  { name: 'no text_2', path: '/score', body: { model: SERVED, text_1: QUERY }, status: 400, param: 'text_2', message: /^'text_2': is required$/ },
  { name: 'a text_1 of the wrong type', path: '/v1/score', body: { model: SERVED, text_1: 5, text_2: 'a' }, status: 400, param: 'text_1', message: /^'text_1': must be a string or a list of strings$/ },
  { name: 'lists of different lengths', path: '/score', body: { model: SERVED, text_1: ['a', 'b'], text_2: ['c', 'd', 'e'] }, status: 400, param: 'text_2', message: /^Input lengths must be either 1:1, 1:N or N:N, but 'text_1' has 2 and 'text_2' has 3\.$/ },
  { name: 'an empty text_1 list', path: '/score', body: { model: SERVED, text_1: [], text_2: ['c'] }, status: 400, param: 'text_1', message: /at least one text element/ },
  { name: 'no query', path: '/rerank', body: { model: SERVED, documents: ['a'] }, status: 400, param: 'query', message: /^'query': is required$/ },
  { name: 'documents that are not a list', path: '/v1/rerank', body: { model: SERVED, query: 'q', documents: 'a' }, status: 400, param: 'documents', message: /^'documents': must be a list of strings$/ },
  { name: 'a negative top_n', path: '/v2/rerank', body: { model: SERVED, query: 'q', documents: ['a'], top_n: -1 }, status: 400, param: 'top_n', message: /^'top_n': must be >= 0$/ },
  {
    name: 'a document longer than every warmup shape',
    path: '/rerank',
    body: { model: SERVED, query: 'q', documents: ['short', longText] },
    status: 400,
    message: /^The prompt is \d{3} tokens long, which is longer than the largest warmup shape \(prompt length 128, batch size 1\); it cannot be scheduled\./,
  },
  { name: 'an unknown model', path: '/score', body: { model: 'bge-reranker', text_1: 'a', text_2: 'b' }, status: 404, param: 'model', message: /^The model 'bge-reranker' does not exist\. This server serves 'tiny-ce'\.$/ },
  { name: 'embeddings asked of a cross-encoder', path: '/v1/embeddings', body: { model: SERVED, input: 'a' }, status: 400, message: /^embeddings are not available: .* is a classifier \(logits\)\.$/ },
  { name: 'a completion asked of a cross-encoder', path: '/v1/completions', body: { model: SERVED, prompt: 'a' }, status: 400, message: /^The model does not support Completions API$/ },
];

describe('having the cross-encoder server', () => {
  for (const bad of CASES) {
    describe(`when a request has ${bad.name}`, () => {
      it(`should answer ${bad.status} in OpenAI's error shape naming the problem, and keep serving`, async () => {
        const answer = await postRaw(running.url, bad.path, JSON.stringify(bad.body));
        expect(answer.status).toBe(bad.status);
        const error = (answer.json as { error: { message: string; type: string; param: string | null } }).error;
        expect(error.message).toMatch(bad.message);
        expect(error.type).toBe('invalid_request_error');
        if (bad.param !== undefined) expect(error.param).toBe(bad.param);
        const after = await post<ScoreBody>('/score', { text_1: 'still', text_2: ['serving'] });
        expect(after.data).toHaveLength(1);
      });
    });
  }
});

describe('having a generative model served', () => {
  let rig: ServerRig;
  beforeAll(async () => {
    rig = await startServerRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  const REFUSED: readonly (readonly [string, unknown, string])[] = [
    ['/v1/embeddings', { model: 'tiny', input: 'a' }, 'Embeddings API'],
    ['/score', { model: 'tiny', text_1: 'a', text_2: 'b' }, 'Score API'],
    ['/v1/score', { model: 'tiny', text_1: 'a', text_2: 'b' }, 'Score API'],
    ['/rerank', { model: 'tiny', query: 'a', documents: ['b'] }, 'Rerank (Score) API'],
    ['/v1/rerank', { model: 'tiny', query: 'a', documents: ['b'] }, 'Rerank (Score) API'],
    ['/v2/rerank', { model: 'tiny', query: 'a', documents: ['b'] }, 'Rerank (Score) API'],
    ['/pooling', { model: 'tiny', input: 'a' }, 'Pooling API'],
    ['/classify', { model: 'tiny', input: 'a' }, 'Classification API'],
  ];

  describe('when every pooling route is called', () => {
    it("should answer 400 with vLLM's 'The model does not support … API' and how to serve an embedding model, and keep generating", async () => {
      for (const [path, body, api] of REFUSED) {
        const answer = await postRaw(rig.baseUrl, path, JSON.stringify(body));
        expect(answer.status, path).toBe(400);
        expect((answer.json as { error: { message: string } }).error.message).toBe(`The model does not support ${api}: ${SERVE_POOLING_HINT}`);
      }
      const completion = await rig.client.completions.create({ model: 'tiny', prompt: 'Hi', max_tokens: 2, temperature: 0 });
      expect(completion.choices).toHaveLength(1);
    });
  });
});
