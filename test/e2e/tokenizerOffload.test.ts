// Large inputs are tokenized on the tokenizer worker and give the same ids as the inline tokenizer;
// closing the server stops the worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw, SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';
import { OFFLOAD_THRESHOLDS } from '../../src/server/openai/frontendTokenizer.js';
import { until } from '../support/loopback.js';

let rig: ServerRig;
let longestToken: string;

beforeAll(async () => {
  rig = await startServerRig({ flags: { maxModelLen: 512 } });
  const codec = rig.created.engine.codec;
  longestToken = '';
  for (let id = 3; id < 512; id++) {
    const text = codec.decode([id]);
    if (text.length > longestToken.length && !text.includes('\uFFFD')) longestToken = text;
  }
});
afterAll(async () => {
  await rig?.close();
});

describe('having a server over the tiny preset', () => {
  it('should tokenize a prompt above the inline threshold on the worker, to the inline ids', async () => {
    // Long in characters, short in tokens: the longest token repeated.
    const text = longestToken.repeat(Math.ceil((OFFLOAD_THRESHOLDS.textLength + 1) / longestToken.length));
    expect(text.length).toBeGreaterThan(OFFLOAD_THRESHOLDS.textLength);
    expect(rig.server.context.tokenizer.numLiveWorkers).toBe(0);
    const tokenized = await postRaw(rig.baseUrl, '/tokenize', JSON.stringify({ prompt: text }));
    expect(tokenized.status).toBe(200);
    expect((tokenized.json as { tokens: number[] }).tokens).toEqual(rig.created.engine.codec.encode(text));
    expect(rig.server.context.tokenizer.numLiveWorkers).toBe(1);
    const completion = await postRaw(rig.baseUrl, '/v1/completions', JSON.stringify({ model: SERVED_MODEL, prompt: text, max_tokens: 2, ignore_eos: true }));
    expect(completion.status).toBe(200);
    expect((completion.json as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBe(rig.created.engine.codec.encode(text).length);
  });

  it('should render a chat of many messages on the worker, to the inline prompt', async () => {
    const messages = Array.from({ length: OFFLOAD_THRESHOLDS.numMessages + 1 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: 'é' }));
    const codec = rig.created.engine.codec;
    const expected = codec.encode(codec.applyChatTemplate(messages, { addGenerationPrompt: true }), { addSpecialTokens: false });
    const tokenized = await postRaw(rig.baseUrl, '/tokenize', JSON.stringify({ messages }));
    expect((tokenized.json as { tokens: number[] }).tokens).toEqual(expected);
  });

  it('should detokenize to the inline text (at most max_model_len ids here, below the worker threshold)', async () => {
    const ids = Array.from({ length: 500 }, (_, index) => 3 + ((index * 7) % 500));
    const answer = await postRaw(rig.baseUrl, '/detokenize', JSON.stringify({ tokens: ids }));
    expect((answer.json as { prompt: string }).prompt).toBe(rig.created.engine.codec.decode(ids));
  });

  it('should stop the rendering of a client that hung up (the worker is stopped, the next request starts another)', async () => {
    const messages = Array.from({ length: 50_000 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: 'hi there' }));
    const controller = new AbortController();
    const sent = fetch(`${rig.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: SERVED_MODEL, messages }), signal: controller.signal }).catch(() => undefined);
    await until('the worker to take the chat', async () => rig.server.context.tokenizer.numRunningJobs === 1, 20_000);
    controller.abort();
    await sent;
    await until('the worker to stop', async () => rig.server.context.tokenizer.numLiveWorkers === 0 && rig.server.context.tokenizer.numRunningJobs === 0, 20_000);
    const text = longestToken.repeat(Math.ceil((OFFLOAD_THRESHOLDS.textLength + 1) / longestToken.length));
    const tokenized = await postRaw(rig.baseUrl, '/tokenize', JSON.stringify({ prompt: text }));
    expect((tokenized.json as { tokens: number[] }).tokens).toEqual(rig.created.engine.codec.encode(text));
  });

  it('should stop the worker when the server closes', async () => {
    expect(rig.server.context.tokenizer.numLiveWorkers).toBe(1);
    await rig.server.app.close();
    expect(rig.server.context.tokenizer.numLiveWorkers).toBe(0);
  });
});
