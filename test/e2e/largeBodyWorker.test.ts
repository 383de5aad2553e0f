// A body above LARGE_BODY_BYTES is parsed, checked and tokenized on the body worker, not on the event loop:
// every route answers it exactly as it answers the same request sent small (the same status, the same error
// text and param, the same ids), and the worker is what answered (it starts with the first large body).
// With --api-key, a large body without the key is refused before anything reads it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_BODY_BYTES } from '../../src/server/body/largeJsonBody.js';
import { postRaw, SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';

let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig({ flags: { maxModelLen: 512 } });
});
afterAll(async () => {
  await rig?.close();
});

/** An unknown field the schemas drop, long enough to push the body over LARGE_BODY_BYTES. */
const PAD = 'x'.repeat(LARGE_BODY_BYTES + 1024);

interface Case {
  readonly name: string;
  readonly path: string;
  /** The request as fields (sent as is, then padded), or raw texts for bodies that are not objects. */
  readonly fields?: Record<string, unknown>;
  readonly raw?: { readonly small: string; readonly large: string };
  readonly status: number;
}

const CASES: readonly Case[] = [
  { name: 'a completion', path: '/v1/completions', fields: { model: SERVED_MODEL, prompt: 'Hello', max_tokens: 3, temperature: 0 }, status: 200 },
  { name: 'a completion of prompt ids', path: '/v1/completions', fields: { model: SERVED_MODEL, prompt: [5, 6, 7], max_tokens: 2, temperature: 0 }, status: 200 },
  { name: 'a chat', path: '/v1/chat/completions', fields: { model: SERVED_MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, temperature: 0 }, status: 200 },
  { name: 'max_tokens 0', path: '/v1/completions', fields: { model: SERVED_MODEL, prompt: 'Hello', max_tokens: 0 }, status: 400 },
  { name: 'an unknown model', path: '/v1/completions', fields: { model: 'nope', prompt: 'Hello' }, status: 404 },
  { name: 'echo', path: '/v1/completions', fields: { model: SERVED_MODEL, prompt: 'Hello', echo: true }, status: 400 },
  { name: 'best_of above n', path: '/v1/completions', fields: { model: SERVED_MODEL, prompt: 'Hello', best_of: 3 }, status: 400 },
  { name: 'an id outside the vocabulary', path: '/v1/completions', fields: { model: SERVED_MODEL, prompt: [99_999] }, status: 400 },
  { name: 'a list of two prompts', path: '/v1/completions', fields: { model: SERVED_MODEL, prompt: ['a', 'b'] }, status: 400 },
  { name: 'an unknown chat role', path: '/v1/chat/completions', fields: { model: SERVED_MODEL, messages: [{ role: 'hacker', content: 'hi' }] }, status: 400 },
  { name: 'top_logprobs without logprobs', path: '/v1/chat/completions', fields: { model: SERVED_MODEL, messages: [{ role: 'user', content: 'hi' }], top_logprobs: 2 }, status: 400 },
  { name: 'n 2 with greedy sampling', path: '/v1/chat/completions', fields: { model: SERVED_MODEL, messages: [{ role: 'user', content: 'hi' }], n: 2, temperature: 0 }, status: 400 },
  { name: 'a /tokenize', path: '/tokenize', fields: { prompt: 'Hello world' }, status: 200 },
  { name: 'a /tokenize of messages', path: '/tokenize', fields: { messages: [{ role: 'user', content: 'hi' }] }, status: 200 },
  { name: 'a /tokenize of neither', path: '/tokenize', fields: { text: 'Hello' }, status: 400 },
  { name: 'a /detokenize', path: '/detokenize', fields: { tokens: [5, 6, 7] }, status: 200 },
  { name: 'a /detokenize of text', path: '/detokenize', fields: { tokens: 'abc' }, status: 400 },
  { name: 'truncated JSON', path: '/v1/completions', raw: { small: '{"model": "tiny", "prompt": ', large: `{"pad": "${PAD}", "prompt": ` }, status: 400 },
  { name: 'an array', path: '/v1/completions', raw: { small: '[1, 2]', large: `[1, 2, "${PAD}"]` }, status: 400 },
  { name: 'a __proto__ key', path: '/v1/completions', raw: { small: '{"__proto__": {"x": 1}}', large: `{"pad": "${PAD}", "__proto__": {"x": 1}}` }, status: 400 },
];

/** What must not differ between the small and the large form: drops the answer's id and timestamp. */
function comparable(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const { id: _id, created: _created, ...rest } = json as Record<string, unknown>;
  return rest;
}

describe('having a server over the tiny preset', () => {
  it('should leave the worker unstarted for small bodies and answer a large one on it', async () => {
    expect(rig.server.context.tokenizer.numLiveWorkers).toBe(0);
    const small = await postRaw(rig.baseUrl, '/tokenize', JSON.stringify({ prompt: 'Hello world' }));
    expect(small.status).toBe(200);
    expect(rig.server.context.tokenizer.numLiveWorkers).toBe(0);
    const large = await postRaw(rig.baseUrl, '/tokenize', JSON.stringify({ prompt: 'Hello world', pad: PAD }));
    expect(large.json).toEqual(small.json);
    expect(rig.server.context.tokenizer.numLiveWorkers).toBe(1);
  });

  for (const { name, path, fields, raw, status } of CASES) {
    it(`should answer ${name} sent above ${LARGE_BODY_BYTES} bytes exactly as sent small`, async () => {
      const smallBody = raw?.small ?? JSON.stringify(fields);
      const largeBody = raw?.large ?? JSON.stringify({ ...fields, pad: PAD });
      expect(Buffer.byteLength(smallBody)).toBeLessThan(LARGE_BODY_BYTES);
      expect(Buffer.byteLength(largeBody)).toBeGreaterThan(LARGE_BODY_BYTES);
      const small = await postRaw(rig.baseUrl, path, smallBody);
      const large = await postRaw(rig.baseUrl, path, largeBody);
      expect(small.status).toBe(status);
      expect(large.status).toBe(status);
      expect(comparable(large.json)).toEqual(comparable(small.json));
    });
  }
});

describe('having a server with --api-key', () => {
  let keyed: ServerRig;
  beforeAll(async () => {
    keyed = await startServerRig({ flags: { maxModelLen: 512, apiKey: 'secret' } });
  });
  afterAll(async () => {
    await keyed?.close();
  });

  it('should refuse a 4 MB body without the key before any work on it, and prepare it with the key', async () => {
    const body = JSON.stringify({ model: SERVED_MODEL, prompt: 'ab c'.repeat(1_000_000), max_tokens: 4 });
    const refused = await postRaw(keyed.baseUrl, '/v1/completions', body);
    expect(refused.status).toBe(401);
    expect(keyed.server.context.tokenizer.numLiveWorkers).toBe(0);
    const prepared = await postRaw(keyed.baseUrl, '/v1/completions', body, { authorization: 'Bearer secret' });
    expect(prepared.status).toBe(400);
    expect((prepared.json as { error: { message: string } }).error.message).toMatch(/^Could not add request: prompt length is at least \d+ tokens/);
    expect(keyed.server.context.tokenizer.numLiveWorkers).toBe(1);
  });
});
