// A bounded fuzz of the three request routes over raw HTTP: fast-check JSON values (arbitrary, and objects
// shaped like a request with arbitrary field values) and header sets. Every answer is a 2xx, or a 4xx whose
// body is OpenAI's JSON error; never a 5xx or a dropped connection; afterwards both servers still serve,
// nothing is running or waiting and no KV block is in use.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPoolingServer } from '../../src/server/serve/startServe.js';
import { startPoolingRig, type PoolingRig } from './support/poolingRig.js';
import { rawRequest } from './support/rawHttp.js';
import { SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';

const API_KEY = 'fuzz-secret';
const EMBED_MODEL = 'tiny-embed';

const anyJson = fc.jsonValue({ maxDepth: 3 });
const smallValue = fc.oneof(anyJson, fc.integer({ min: -3, max: 6 }), fc.double(), fc.string({ maxLength: 12 }), fc.constant(null));
/** Mostly a valid value, sometimes any value: most bodies reach the engine, the rest probe validation. */
const field = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: smallValue });
const mostly = <T>(usual: T, others: readonly T[]): fc.Arbitrary<T> => fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });

const promptText = fc.string({ minLength: 1, maxLength: 40 });
const role = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('system', 'user', 'assistant', 'tool', 'developer') }, { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 8 }), anyJson) });
const message = fc.record({ role, content: field(fc.oneof(promptText, fc.array(fc.record({ type: fc.constant('text'), text: promptText }), { minLength: 1, maxLength: 2 }))) }, { requiredKeys: ['role'] });

function requestShaped(model: string, required: readonly string[], fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  return fc.record(
    {
      model: field(fc.constant(model)),
      max_tokens: field(fc.integer({ min: 1, max: 4 })),
      temperature: field(fc.double({ min: 0, max: 2, noNaN: true })),
      top_p: field(fc.double({ min: 0.1, max: 1, noNaN: true })),
      top_k: field(fc.integer({ min: -1, max: 10 })),
      seed: field(fc.integer({ min: 0, max: 1000 })),
      stop: field(fc.oneof(fc.string({ minLength: 1, maxLength: 3 }), fc.array(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 2 }))),
      stream: field(fc.boolean()),
      stream_options: field(fc.record({ include_usage: fc.boolean() })),
      n: field(fc.constant(1)),
      ...fields,
    },
    { requiredKeys: ['model', 'max_tokens', ...required] as never[] },
  );
}

const headerSets = fc.record(
  {
    'content-type': mostly('application/json', ['application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'APPLICATION/JSON']),
    authorization: mostly(`Bearer ${API_KEY}`, [`bearer ${API_KEY}`, 'Bearer wrong', 'Basic abc', `Bearer  ${API_KEY} `, 'Bearer']),
    accept: fc.constantFrom('*/*', 'text/event-stream', 'application/json'),
    'x-request-id': fc.string({ maxLength: 20 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
  },
  { requiredKeys: ['content-type', 'authorization'] },
);

const ENDPOINTS = [
  { path: '/v1/completions', server: 'generation', body: requestShaped(SERVED_MODEL, ['prompt'], { prompt: field(fc.oneof(promptText, fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 8 }))), logprobs: field(fc.integer({ min: 0, max: 3 })) }) },
  { path: '/v1/chat/completions', server: 'generation', body: requestShaped(SERVED_MODEL, ['messages'], { messages: field(fc.array(message, { minLength: 1, maxLength: 3 })), logprobs: field(fc.boolean()), max_completion_tokens: field(fc.integer({ min: 1, max: 4 })) }) },
  {
    path: '/v1/embeddings',
    server: 'pooling',
    body: fc.record({ model: field(fc.constant(EMBED_MODEL)), input: field(fc.oneof(promptText, fc.array(promptText, { minLength: 1, maxLength: 3 }))), encoding_format: field(fc.constantFrom('float', 'base64')), dimensions: field(fc.constant(null)) }, { requiredKeys: ['model', 'input'] }),
  },
] as const;

let rig: ServerRig;
let poolingRig: PoolingRig;
let pooling: RunningPoolingServer;

beforeAll(async () => {
  rig = await startServerRig({ flags: { apiKey: API_KEY } });
  poolingRig = await startPoolingRig({
    servedModelName: EMBED_MODEL,
    flags: { apiKey: API_KEY },
    env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '2' },
  });
  pooling = poolingRig.running;
}, 120_000);
afterAll(async () => {
  await rig?.close();
  await poolingRig?.close();
});

function answersCleanly(status: number, body: string): boolean {
  if (status >= 200 && status < 300) return true;
  if (status < 400 || status >= 500) return false;
  const parsed = JSON.parse(body) as { error?: { message?: unknown } };
  return typeof parsed.error?.message === 'string' && parsed.error.message.length > 0;
}

describe('having a generation and a pooling server with --api-key', () => {
  for (const endpoint of ENDPOINTS) {
    describe(`when ${endpoint.path} gets fuzzed JSON bodies and header sets`, () => {
      it('should answer every one with a 2xx or a 4xx JSON error, and end idle with no KV block in use', { timeout: 120_000 }, async () => {
        const baseUrl = endpoint.server === 'generation' ? rig.baseUrl : pooling.url;
        const body = fc.oneof({ weight: 3, arbitrary: endpoint.body.map((value) => JSON.stringify(value)) }, { weight: 1, arbitrary: anyJson.map((value) => JSON.stringify(value)) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });
        await fc.assert(
          fc.asyncProperty(body, headerSets, async (text, headers) => {
            const answer = await rawRequest(baseUrl, 'POST', endpoint.path, headers, text);
            expect(answersCleanly(answer.status, answer.body), `${answer.status} ${answer.body.slice(0, 200)} for ${text.slice(0, 200)}`).toBe(true);
          }),
          { numRuns: 150, seed: 16 },
        );
        const good = endpoint.server === 'generation' ? { model: SERVED_MODEL, prompt: 'hi', max_tokens: 2 } : { model: EMBED_MODEL, input: 'hi' };
        const after = await rawRequest(baseUrl, 'POST', endpoint.server === 'generation' ? '/v1/completions' : '/v1/embeddings', { authorization: `Bearer ${API_KEY}` }, JSON.stringify(good));
        expect(after.status).toBe(200);
        const stats = endpoint.server === 'generation' ? rig.created.engine.core.stats() : pooling.server.context.metrics.stats();
        expect({ running: stats.numRunning, waiting: stats.numWaiting, kv: stats.kvCacheUsage }).toEqual({ running: 0, waiting: 0, kv: 0 });
      });
    });
  }
});
