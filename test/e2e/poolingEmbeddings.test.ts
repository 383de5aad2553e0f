// `spyre serve` over the tiny-embed encoder (no --task: the directory says it is a pooling model), on
// loopback, with the official openai client: embeddings as floats and base64, the raw /pooling route,
// the info routes and metrics, and the bad requests, each answered in OpenAI's error shape.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddingFromBase64 } from '../../src/core/scheduler/pooling/embeddingEncoding.js';
import type { RunningPoolingServer } from '../../src/server/serve/startServe.js';
import { startPoolingRig, type PoolingRig } from './support/poolingRig.js';
import { postRaw } from './support/serverRig.js';
import { sampleValue, scrape } from './support/prometheusText.js';

const SERVED = 'tiny-embed';
const API_KEY = 'pooling-secret';
const TEXTS = ['The quick brown fox jumps over the lazy dog.', 'Static batching pads every prompt to a warmup shape.', 'hello', 'Embeddings are unit vectors here.'];

let rig: PoolingRig;
let running: RunningPoolingServer;
let client: OpenAI;

beforeAll(async () => {
  rig = await startPoolingRig({ servedModelName: SERVED, flags: { apiKey: API_KEY }, env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64,128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4,1' } });
  running = rig.running;
  client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: API_KEY, maxRetries: 0, timeout: 20_000 });
});
afterAll(async () => {
  await rig?.close();
});

const AUTH = { authorization: `Bearer ${API_KEY}` };
const norm = (vector: ArrayLike<number>): number => Math.hypot(...Array.from(vector));

async function servesAfterwards(): Promise<void> {
  const answer = await client.embeddings.create({ model: SERVED, input: 'still serving', encoding_format: 'float' });
  expect(answer.data[0]?.embedding).toHaveLength(64);
}

describe('having spyre serve started on the tiny-embed directory without --task', () => {
  describe('when it started', () => {
    it('should run the PoolingEngine with the embed task and max_model_len from the largest warmup shape', async () => {
      expect(running.created.config.task).toBe('embed');
      const models = await client.models.list();
      expect(models.data.map((model) => model.id)).toEqual([SERVED]);
      expect((models.data[0] as unknown as { max_model_len: number }).max_model_len).toBe(128);
      expect((await fetch(`${running.url}/health`)).status).toBe(200);
      expect(await (await fetch(`${running.url}/version`)).json()).toMatchObject({ version: expect.any(String) });
    });
  });

  describe('when the openai client asks for float and base64 embeddings of four texts', () => {
    it('should answer the same unit vectors in both formats, equal to the PoolingEngine called directly', async () => {
      const floats = await client.embeddings.create({ model: SERVED, input: TEXTS, encoding_format: 'float' });
      const base64 = await client.embeddings.create({ model: SERVED, input: TEXTS, encoding_format: 'base64' });
      const byDefault = await client.embeddings.create({ model: SERVED, input: TEXTS }); // the client asks for base64 and decodes
      const direct = await running.created.engine.embed(TEXTS);
      expect(floats.object).toBe('list');
      expect(floats.model).toBe(SERVED);
      expect(floats.data.map((item) => item.index)).toEqual([0, 1, 2, 3]);
      floats.data.forEach((item, index) => {
        expect(item.object).toBe('embedding');
        expect(item.embedding).toHaveLength(64);
        expect(norm(item.embedding)).toBeCloseTo(1, 5);
        const decoded = embeddingFromBase64(base64.data[index]?.embedding as unknown as string);
        expect(Array.from(decoded)).toEqual(item.embedding);
        expect(byDefault.data[index]?.embedding).toEqual(item.embedding);
        expect(item.embedding).toEqual(Array.from(direct[index]?.embedding ?? []));
      });
      const promptTokens = direct.reduce((sum, result) => sum + result.promptTokens, 0);
      expect(floats.usage).toMatchObject({ prompt_tokens: promptTokens, total_tokens: promptTokens });
    });
  });

  describe('when the input is token ids, one list or several', () => {
    it('should embed the ids as given and count them as prompt tokens', async () => {
      const ids = [[1, 40, 41, 42, 2], [1, 300, 2]];
      const several = await client.embeddings.create({ model: SERVED, input: ids, encoding_format: 'float' });
      const one = await client.embeddings.create({ model: SERVED, input: ids[0] as number[], encoding_format: 'float' });
      expect(several.usage.prompt_tokens).toBe(8);
      expect(one.data).toHaveLength(1);
      expect(one.data[0]?.embedding).toEqual(several.data[0]?.embedding);
      expect(several.data[1]?.embedding).not.toEqual(several.data[0]?.embedding);
    });
  });

  describe('when normalize is false', () => {
    it('should answer the raw mean-pooled vector, the /pooling output, parallel to the normalised one', async () => {
      const raw = await postRaw(running.url, '/v1/embeddings', JSON.stringify({ model: SERVED, input: 'hello', encoding_format: 'float', normalize: false }), AUTH);
      const pooled = await postRaw(running.url, '/pooling', JSON.stringify({ model: SERVED, input: 'hello' }), AUTH);
      const unit = await client.embeddings.create({ model: SERVED, input: 'hello', encoding_format: 'float' });
      const rawVector = (raw.json as { data: { embedding: number[] }[] }).data[0]?.embedding ?? [];
      const pooledBody = pooled.json as { object: string; data: { index: number; object: string; data: number[] }[]; usage: { prompt_tokens: number } };
      expect(pooled.status).toBe(200);
      expect(pooledBody.data[0]).toMatchObject({ index: 0, object: 'pooling' });
      expect(pooledBody.data[0]?.data).toEqual(rawVector);
      expect(norm(rawVector)).not.toBeCloseTo(1, 3);
      const scale = norm(rawVector);
      rawVector.forEach((value, index) => expect(value / scale).toBeCloseTo(unit.data[0]?.embedding[index] ?? NaN, 6));
    });
  });

  describe('when /tokenize is asked for a text', () => {
    it('should answer the ids the engine runs, specials included', async () => {
      const answer = await postRaw(running.url, '/tokenize', JSON.stringify({ prompt: 'hello' }), AUTH);
      const body = answer.json as { count: number; tokens: number[]; max_model_len: number };
      expect(answer.status).toBe(200);
      expect(body.max_model_len).toBe(128);
      const direct = await running.created.engine.embed(['hello']);
      expect(body.count).toBe(direct[0]?.promptTokens);
    });
  });

  describe('when /metrics is scraped after a request of three inputs', () => {
    it('should count three successful requests and their prompt tokens, with nothing left running', async () => {
      const labels = { model_name: SERVED, engine: '0' };
      const before = await scrape(running.url);
      const answer = await client.embeddings.create({ model: SERVED, input: ['a', 'b c', 'd e f'], encoding_format: 'float' });
      const after = await scrape(running.url);
      const delta = (name: string, extra: Record<string, string> = {}): number =>
        (sampleValue(after.samples, name, { ...labels, ...extra }) ?? 0) - (sampleValue(before.samples, name, { ...labels, ...extra }) ?? 0);
      expect(delta('vllm:request_success_total', { finished_reason: 'stop' })).toBe(3);
      expect(delta('vllm:prompt_tokens_total')).toBe(answer.usage.prompt_tokens);
      expect(delta('vllm:request_prompt_tokens_sum')).toBe(answer.usage.prompt_tokens);
      expect(delta('vllm:e2e_request_latency_seconds_count')).toBe(3);
      expect(after.types.get('vllm:request_success_total')).toBe('counter');
      expect(sampleValue(after.samples, 'vllm:num_requests_running', labels)).toBe(0);
      expect(sampleValue(after.samples, 'vllm:num_requests_waiting', labels)).toBe(0);
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

const embeddings = (fields: Record<string, unknown>): Record<string, unknown> => ({ model: SERVED, input: 'hi', ...fields });
const overLong = Array.from({ length: 200 }, (_, index) => 3 + (index % 300));

const CASES: readonly BadCase[] = [
  { name: 'no input', path: '/v1/embeddings', body: { model: SERVED }, status: 400, param: 'input', message: /^'input': is required$/ },
  { name: 'an input of the wrong type', path: '/v1/embeddings', body: embeddings({ input: 42 }), status: 400, param: 'input', message: /^'input': must be a string, a list of strings/ },
  { name: 'an input list mixing texts and numbers', path: '/v1/embeddings', body: embeddings({ input: ['a', 3] }), status: 400, param: 'input', message: /'input'/ },
  { name: 'an empty input list', path: '/v1/embeddings', body: embeddings({ input: [] }), status: 400, param: 'input', message: /'input'/ },
  { name: 'a negative token id', path: '/v1/embeddings', body: embeddings({ input: [1, -4, 2] }), status: 400, param: 'input.1', message: /^'input\.1': token ids must be >= 0$/ },
  { name: 'a token id outside the vocabulary', path: '/v1/embeddings', body: embeddings({ input: [1, 99999, 2] }), status: 400, param: 'input', message: /token id 99999 at position 1 is outside the model's vocabulary \(512 ids\)/ },
  { name: 'an unknown encoding_format', path: '/v1/embeddings', body: embeddings({ encoding_format: 'int8' }), status: 400, param: 'encoding_format', message: /^'encoding_format': must be 'float' or 'base64'$/ },
  { name: 'dimensions', path: '/v1/embeddings', body: embeddings({ dimensions: 32 }), status: 400, param: 'dimensions', message: /^'dimensions': the model 'tiny-embed' does not support matryoshka representation/ },
  { name: 'truncate_prompt_tokens', path: '/v1/embeddings', body: embeddings({ truncate_prompt_tokens: 16 }), status: 400, param: 'truncate_prompt_tokens', message: /truncation is not supported/ },
  {
    name: 'a prompt longer than every warmup shape',
    path: '/v1/embeddings',
    body: embeddings({ input: overLong }),
    status: 400,
    param: 'input',
    message: /^The prompt is 200 tokens long, which is longer than the largest warmup shape \(prompt length 128, batch size 1\); it cannot be scheduled\./,
  },
  {
    name: 'a text longer than every warmup shape',
    path: '/v1/embeddings',
    body: embeddings({ input: ['fine', 'word '.repeat(300)] }),
    status: 400,
    param: 'input',
    message: /^The prompt is \d{3} tokens long, which is longer than the largest warmup shape \(prompt length 128, batch size 1\)/,
  },
  { name: 'an unknown model', path: '/v1/embeddings', body: embeddings({ model: 'text-embedding-3-small' }), status: 404, param: 'model', message: /^The model 'text-embedding-3-small' does not exist\. This server serves 'tiny-embed'\.$/ },
  { name: 'a model of the wrong type', path: '/pooling', body: { model: 7, input: 'hi' }, status: 400, param: 'model', message: /^'model': must be a string$/ },
  { name: 'a score request on an embedding model', path: '/score', body: { model: SERVED, text_1: 'a', text_2: 'b' }, status: 400, message: /^scores are not available: .* is an embedding model/ },
  { name: 'a completion on a pooling model', path: '/v1/completions', body: { model: SERVED, prompt: 'Hello' }, status: 400, message: /^The model does not support Completions API$/ },
  { name: 'a chat completion on a pooling model', path: '/v1/chat/completions', body: { model: SERVED, messages: [] }, status: 400, message: /^The model does not support Chat Completions API$/ },
];

describe('having the pooling server with an API key', () => {
  for (const bad of CASES) {
    describe(`when a request has ${bad.name}`, () => {
      it(`should answer ${bad.status} in OpenAI's error shape naming the problem, and keep serving`, async () => {
        const answer = await postRaw(running.url, bad.path, JSON.stringify(bad.body), AUTH);
        expect(answer.status).toBe(bad.status);
        const error = (answer.json as { error: { message: string; type: string; param: string | null } }).error;
        expect(error.message).toMatch(bad.message);
        expect(error.type).toBe('invalid_request_error');
        if (bad.param !== undefined) expect(error.param).toBe(bad.param);
        await servesAfterwards();
      });
    });
  }

  describe('when the openai client sends an over-long input among good ones', () => {
    it('should raise a BadRequestError naming the length and the largest shape, and run none of the inputs', async () => {
      const before = await scrape(running.url);
      await expect(client.embeddings.create({ model: SERVED, input: [[1, 2, 3], overLong], encoding_format: 'float' })).rejects.toMatchObject({
        status: 400, param: 'input', message: expect.stringContaining('The prompt is 200 tokens long'),
      });
      const after = await scrape(running.url);
      const labels = { model_name: SERVED, engine: '0', finished_reason: 'stop' };
      expect(sampleValue(after.samples, 'vllm:request_success_total', labels)).toBe(sampleValue(before.samples, 'vllm:request_success_total', labels));
      await servesAfterwards();
    });
  });

  describe('when a client hangs up while its call of 300 inputs runs one batch at a time', () => {
    it('should abort the call, count its 300 inputs as aborted, leave nothing in flight, and keep serving', async () => {
      const labels = { model_name: SERVED, engine: '0' };
      const before = await scrape(running.url);
      const inputs = Array.from({ length: 300 }, (_, row) => Array.from({ length: 100 }, (_, column) => 3 + ((row + column) % 400)));
      const controller = new AbortController();
      const pending = fetch(`${running.url}/v1/embeddings`, {
        method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, signal: controller.signal,
        body: JSON.stringify({ model: SERVED, input: inputs, encoding_format: 'float' }),
      });
      const metrics = running.server.context.metrics;
      while (metrics.numUnfinishedRequests === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      controller.abort();
      await expect(pending).rejects.toThrow();
      while (metrics.numUnfinishedRequests > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const after = await scrape(running.url);
      const delta = (reason: string): number =>
        (sampleValue(after.samples, 'vllm:request_success_total', { ...labels, finished_reason: reason }) ?? 0) - (sampleValue(before.samples, 'vllm:request_success_total', { ...labels, finished_reason: reason }) ?? 0);
      expect(delta('abort')).toBe(300);
      expect(delta('stop')).toBe(0);
      await servesAfterwards();
    });
  });

  describe('when a /v1 route is called without the key', () => {
    it('should answer 401, while /health and /metrics stay open', async () => {
      expect((await postRaw(running.url, '/v1/embeddings', JSON.stringify(embeddings({})))).status).toBe(401);
      expect((await fetch(`${running.url}/metrics`)).status).toBe(200);
    });
  });
});
