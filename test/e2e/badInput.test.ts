// Bad requests each get the right status and a message naming the field, and the server keeps serving.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw, SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';

const API_KEY = 'test-secret';
const BODY_LIMIT_BYTES = 64 * 1024;
const AUTH = { authorization: `Bearer ${API_KEY}` };
let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig({ flags: { apiKey: API_KEY }, server: { bodyLimitBytes: BODY_LIMIT_BYTES } });
});
afterAll(async () => {
  await rig?.close();
});

interface BadCase {
  readonly name: string;
  readonly path: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly param?: string | null;
  readonly message: RegExp;
}

const completion = (fields: Record<string, unknown>): string => JSON.stringify({ model: SERVED_MODEL, prompt: 'Hello', max_tokens: 4, ...fields });

const CASES: readonly BadCase[] = [
  { name: 'invalid JSON', path: '/v1/completions', body: '{"model": "tiny", "prompt": ', status: 400, message: /not valid JSON/ },
  { name: 'a JSON array instead of an object', path: '/v1/completions', body: '[1, 2]', status: 400, message: /must be a JSON object/ },
  { name: 'max_tokens of the wrong type', path: '/v1/completions', body: completion({ max_tokens: 'ten' }), status: 400, param: 'max_tokens', message: /'max_tokens'/ },
  { name: 'temperature of the wrong type', path: '/v1/completions', body: completion({ temperature: 'hot' }), status: 400, param: 'temperature', message: /'temperature'/ },
  { name: 'a prompt of the wrong type', path: '/v1/completions', body: completion({ prompt: { text: 'hi' } }), status: 400, param: 'prompt', message: /'prompt'/ },
  { name: 'a missing model', path: '/v1/completions', body: JSON.stringify({ prompt: 'Hello' }), status: 400, param: 'model', message: /'model': is required/ },
  { name: 'an unknown model', path: '/v1/completions', body: completion({ model: 'gpt-17' }), status: 404, param: 'model', message: /'gpt-17' does not exist/ },
  { name: 'max_tokens 0', path: '/v1/completions', body: completion({ max_tokens: 0 }), status: 400, param: 'max_tokens', message: /'max_tokens': must be at least 1/ },
  { name: 'max_tokens -5', path: '/v1/completions', body: completion({ max_tokens: -5 }), status: 400, param: 'max_tokens', message: /'max_tokens': must be at least 1/ },
  {
    name: 'a prompt over the limit',
    path: '/v1/completions',
    body: completion({ prompt: Array.from({ length: 500 }, (_, index) => 3 + (index % 200)), max_tokens: 20 }),
    status: 400,
    param: 'prompt',
    message: /^Could not add request: prompt length is 500 tokens, which gets padded to 512 tokens, maximum number of output tokens is 20 tokens, but max model context length is 512\.$/,
  },
  { name: 'a token id outside the vocabulary', path: '/v1/completions', body: completion({ prompt: [5, 99999] }), status: 400, param: 'prompt', message: /token id 99999 is outside the vocabulary/ },
  { name: 'temperature < 0', path: '/v1/completions', body: completion({ temperature: -0.5 }), status: 400, param: 'temperature', message: /'temperature': must be >= 0/ },
  { name: 'top_p above 1', path: '/v1/completions', body: completion({ top_p: 1.5 }), status: 400, param: 'top_p', message: /'top_p': must be in \(0, 1\]/ },
  { name: 'n = 0', path: '/v1/completions', body: completion({ n: 0 }), status: 400, param: 'n', message: /^'n': must be at least 1$/ },
  { name: 'n = 1.5', path: '/v1/chat/completions', body: JSON.stringify({ model: SERVED_MODEL, messages: [{ role: 'user', content: 'hi' }], n: 1.5 }), status: 400, param: 'n', message: /^'n': must be an integer$/ },
  { name: 'n above max_num_seqs', path: '/v1/completions', body: completion({ n: 9 }), status: 400, param: 'n', message: /^Could not add request: 'n' is 9, but the copies of a request decode together and at most max_num_seqs=8 sequences run at once\. Lower 'n' or raise --max-num-seqs\.$/ },
  { name: 'n = 2 with greedy sampling', path: '/v1/chat/completions', body: JSON.stringify({ model: SERVED_MODEL, messages: [{ role: 'user', content: 'hi' }], n: 2, temperature: 0 }), status: 400, param: 'n', message: /^'n' must be 1 when using greedy sampling \(temperature 0\), got 2\.$/ },
  { name: 'best_of above n', path: '/v1/completions', body: completion({ best_of: 3 }), status: 400, param: 'best_of', message: /^'best_of': best_of is not supported \(vLLM V1 removed it\), got 3 with n=1\./ },
  { name: 'prompt_logprobs', path: '/v1/completions', body: completion({ prompt_logprobs: 1 }), status: 400, param: 'prompt_logprobs', message: /^Prompt logprobs are currently not supported\.$/ },
  { name: 'chat without messages', path: '/v1/chat/completions', body: JSON.stringify({ model: SERVED_MODEL }), status: 400, param: 'messages', message: /'messages': is required/ },
  { name: 'chat with a message of the wrong type', path: '/v1/chat/completions', body: JSON.stringify({ model: SERVED_MODEL, messages: [{ role: 'user', content: 7 }] }), status: 400, param: 'messages.0.content', message: /'messages\.0\.content'/ },
  { name: 'an oversized body', path: '/v1/completions', body: completion({ prompt: 'x'.repeat(BODY_LIMIT_BYTES) }), status: 413, message: /too large/ },
  { name: 'a wrong API key', path: '/v1/completions', body: completion({}), headers: { authorization: 'Bearer wrong' }, status: 401, param: 'authorization', message: /Incorrect API key/ },
  { name: 'no API key', path: '/v1/completions', body: completion({}), headers: { authorization: '' }, status: 401, param: 'authorization', message: /Missing API key/ },
  { name: 'a chat message with an unknown role', path: '/v1/chat/completions', body: JSON.stringify({ model: SERVED_MODEL, messages: [{ role: 'hacker', content: 'hi' }] }), status: 400, param: 'messages.0.role', message: /'hacker' is not a chat role; use one of system, user, assistant, tool, developer/ },
  { name: 'no API key on /tokenize', path: '/tokenize', body: JSON.stringify({ prompt: 'hi' }), headers: { authorization: '' }, status: 401, param: 'authorization', message: /Missing API key/ },
  { name: 'a /reset_prefix_cache without VLLM_SERVER_DEV_MODE', path: '/reset_prefix_cache', body: '{}', status: 404, message: /No route POST \/reset_prefix_cache/ },
  { name: 'an unknown route', path: '/v1/engines', body: '{}', status: 404, message: /No route POST \/v1\/engines/ },
];

async function servesAfterwards(): Promise<void> {
  const answer = await postRaw(rig.baseUrl, '/v1/completions', completion({ max_tokens: 3, ignore_eos: true }), AUTH);
  expect(answer.status).toBe(200);
  expect((answer.json as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);
}

describe('having a server with an API key and a 64 KiB body limit', () => {
  for (const bad of CASES) {
    describe(`when a request has ${bad.name}`, () => {
      it(`should answer ${bad.status} in OpenAI's error shape naming the problem, and keep serving`, async () => {
        const headers = { ...AUTH, ...bad.headers };
        if (headers.authorization === '') delete (headers as Record<string, string>)['authorization'];
        const answer = await postRaw(rig.baseUrl, bad.path, bad.body, headers);
        expect(answer.status).toBe(bad.status);
        const error = (answer.json as { error: { message: string; type: string; param: string | null; code: unknown } }).error;
        expect(error.message).toMatch(bad.message);
        expect(typeof error.type).toBe('string');
        if (bad.param !== undefined) expect(error.param).toBe(bad.param);
        await servesAfterwards();
      });
    });
  }

  describe('when the openai client uses a wrong key', () => {
    it('should raise an AuthenticationError with status 401', async () => {
      const client = new OpenAI({ baseURL: `${rig.baseUrl}/v1`, apiKey: 'wrong', maxRetries: 0 });
      await expect(client.completions.create({ model: SERVED_MODEL, prompt: 'Hi', max_tokens: 2 })).rejects.toMatchObject({ status: 401, type: 'authentication_error' });
      await servesAfterwards();
    });
  });

  describe('when the openai client asks for an unknown model', () => {
    it('should raise a NotFoundError with code model_not_found', async () => {
      const client = new OpenAI({ baseURL: `${rig.baseUrl}/v1`, apiKey: API_KEY, maxRetries: 0 });
      await expect(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    });
  });

  describe('when /health and /metrics are probed without a key', () => {
    it('should answer 200 (only /v1 routes need the key)', async () => {
      expect((await fetch(`${rig.baseUrl}/health`)).status).toBe(200);
      expect((await fetch(`${rig.baseUrl}/metrics`)).status).toBe(200);
    });
  });
});
