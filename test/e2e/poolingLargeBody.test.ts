// The pooling routes' large bodies (above LARGE_BODY_BYTES) are parsed, checked and tokenized on the body
// worker, not on the event loop: a 4 MB /v1/embeddings body gets its refusal while the event loop (which the
// in-process server shares with this test) never stalls for 1 s, nor does a /health answer take that long
// (bounded like test/e2e/headOfLine.test.ts; tokenized on the event loop, the body stalled it for seconds),
// and every route answers a large body exactly as the same request sent small.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_BODY_BYTES } from '../../src/server/body/largeJsonBody.js';
import { startServe, type RunningPoolingServer } from '../../src/server/serve/startServe.js';
import { Writable } from 'node:stream';
import { buildTempEncoder, type TempEncoder } from '../support/tinyEncoder.js';
import { postRaw } from './support/serverRig.js';

const HEALTH_BOUND_MS = 1000;
const PAD = 'x'.repeat(LARGE_BODY_BYTES + 1024);
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

interface Served {
  readonly encoder: TempEncoder;
  readonly running: RunningPoolingServer;
}

async function serve(preset: 'tiny-embed' | 'tiny-cross-encoder', servedModelName: string): Promise<Served> {
  const encoder = buildTempEncoder(preset);
  const started = await startServe({ flags: { model: encoder.dir, port: 0, servedModelName, logLevel: 'error', disableLogRequests: true }, env: {}, stderr: quiet, graceS: 1 });
  if (started.kind !== 'pooling') throw new Error(`startServe picked ${started.kind} for an encoder directory`);
  return { encoder, running: started.running };
}

let embed: Served;
let cross: Served;

beforeAll(async () => {
  embed = await serve('tiny-embed', 'embed');
  cross = await serve('tiny-cross-encoder', 'ce');
});
afterAll(async () => {
  for (const served of [embed, cross]) {
    await served?.running.shutdown('test end');
    served?.encoder.remove();
  }
});

/** The answer without its id and timestamp. */
function comparable(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const { id: _id, created: _created, ...rest } = json as Record<string, unknown>;
  return rest;
}

describe('having spyre serve on the tiny embedding model', () => {
  it(`should refuse a 4 MB /v1/embeddings text with the engine's words while the event loop and /health answer within ${HEALTH_BOUND_MS} ms`, { timeout: 120_000 }, async () => {
    expect(embed.running.server.context.bodies.numLiveWorkers).toBe(0);
    const body = JSON.stringify({ model: 'embed', input: 'ab c'.repeat(1_000_000) });
    let done = false;
    const healthMs: number[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const probing = (async () => {
      while (!done) {
        const start = performance.now();
        await (await fetch(`${embed.running.url}/health`)).text();
        healthMs.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const answer = await postRaw(embed.running.url, '/v1/embeddings', body);
    done = true;
    await probing;
    loopDelay.disable();
    expect(answer.status).toBe(400);
    expect((answer.json as { error: { message: string; param: string } }).error).toMatchObject({ param: 'input', message: expect.stringMatching(/^The prompt is at least \d+ tokens long, which is longer than the largest warmup shape/) });
    expect(embed.running.server.context.bodies.numLiveWorkers).toBe(1);
    expect(healthMs.length).toBeGreaterThan(0);
    expect(Math.max(...healthMs)).toBeLessThan(HEALTH_BOUND_MS);
    expect(loopDelay.max / 1e6).toBeLessThan(HEALTH_BOUND_MS);
  });

  const cases: readonly { readonly name: string; readonly path: string; readonly fields: Record<string, unknown>; readonly status: number }[] = [
    { name: 'an embedding of two texts', path: '/v1/embeddings', fields: { model: 'embed', input: ['hello world', 'a b c'] }, status: 200 },
    { name: 'an embedding of token ids', path: '/v1/embeddings', fields: { input: [[1, 5, 9]], encoding_format: 'base64' }, status: 200 },
    { name: 'raw pooling', path: '/pooling', fields: { input: 'hello' }, status: 200 },
    { name: 'a text longer than every warmup shape', path: '/v1/embeddings', fields: { input: ['fine', 'word '.repeat(300)] }, status: 400 },
    { name: 'dimensions', path: '/v1/embeddings', fields: { input: 'hi', dimensions: 8 }, status: 400 },
    { name: 'an unknown model', path: '/v1/embeddings', fields: { model: 'nope', input: 'hi' }, status: 404 },
    { name: 'an id outside the vocabulary', path: '/v1/embeddings', fields: { input: [1, 99_999] }, status: 400 },
    { name: 'a /tokenize', path: '/tokenize', fields: { prompt: 'hello world' }, status: 200 },
    { name: 'a /tokenize of messages', path: '/tokenize', fields: { messages: [{ role: 'user', content: 'hi' }] }, status: 400 },
  ];
  for (const { name, path, fields, status } of cases) {
    it(`should answer ${name} sent above ${LARGE_BODY_BYTES} bytes exactly as sent small`, async () => {
      const small = await postRaw(embed.running.url, path, JSON.stringify(fields));
      const large = await postRaw(embed.running.url, path, JSON.stringify({ ...fields, pad: PAD }));
      expect(small.status).toBe(status);
      expect(large.status).toBe(status);
      expect(comparable(large.json)).toEqual(comparable(small.json));
    });
  }
});

describe('having spyre serve on the tiny cross-encoder', () => {
  const cases: readonly { readonly name: string; readonly path: string; readonly fields: Record<string, unknown>; readonly status: number }[] = [
    { name: 'a 1:N score', path: '/score', fields: { text_1: 'what is a cat', text_2: ['a cat is an animal', 'the sky is blue'] }, status: 200 },
    { name: 'a N:N score', path: '/v1/score', fields: { model: 'ce', text_1: ['a', 'b'], text_2: ['c', 'd'] }, status: 200 },
    { name: 'a score of unequal lists', path: '/score', fields: { text_1: ['a', 'b'], text_2: ['c', 'd', 'e'] }, status: 400 },
    { name: 'a rerank with top_n', path: '/rerank', fields: { query: 'cat', documents: ['a cat', 'a dog', 'the cat sat'], top_n: 2 }, status: 200 },
    { name: 'a rerank without documents in the answer', path: '/v2/rerank', fields: { query: 'cat', documents: ['a cat', 'a dog'], return_documents: false }, status: 200 },
    { name: 'a rerank of an over-long document', path: '/v1/rerank', fields: { query: 'cat', documents: ['ok', 'word '.repeat(300)] }, status: 400 },
    { name: 'classify', path: '/classify', fields: { input: ['hello', 'world'] }, status: 200 },
  ];
  for (const { name, path, fields, status } of cases) {
    it(`should answer ${name} sent above ${LARGE_BODY_BYTES} bytes exactly as sent small`, async () => {
      const small = await postRaw(cross.running.url, path, JSON.stringify(fields));
      const large = await postRaw(cross.running.url, path, JSON.stringify({ ...fields, pad: PAD }));
      expect(small.status).toBe(status);
      expect(large.status).toBe(status);
      expect(comparable(large.json)).toEqual(comparable(small.json));
    });
  }
});
