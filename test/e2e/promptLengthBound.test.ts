// A prompt text that cannot fit max_model_len is refused from its byte length, before it is tokenized
// (a 4 MB prompt takes seconds to tokenize); a text the bound cannot rule out is tokenized and gets the
// engine's exact count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw, SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';

const MAX_MODEL_LEN = 512;
// Just under the 4 MiB body limit.
const HUGE_TEXT = 'ab c'.repeat(1_000_000);
let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig({ flags: { maxModelLen: MAX_MODEL_LEN } });
});
afterAll(async () => {
  await rig?.close();
});

interface ErrorBody {
  readonly error: { readonly message: string; readonly param: string | null };
}

const cases: readonly [string, string, Record<string, unknown>, string, RegExp][] = [
  ['a completion', '/v1/completions', { model: SERVED_MODEL, prompt: HUGE_TEXT, max_tokens: 4 }, 'prompt',
    /^Could not add request: prompt length is at least \d+ tokens, which gets padded to at least \d+ tokens, maximum number of output tokens is 4 tokens, but max model context length is 512\.$/],
  ['a completion without max_tokens', '/v1/completions', { model: SERVED_MODEL, prompt: [HUGE_TEXT] }, 'prompt', /maximum number of output tokens is 1 tokens, but max model context length is 512\.$/],
  ['a chat completion', '/v1/chat/completions', { model: SERVED_MODEL, messages: [{ role: 'user', content: HUGE_TEXT }] }, 'messages', /^Could not add request: prompt length is at least \d+ tokens/],
  ['a /tokenize', '/tokenize', { prompt: HUGE_TEXT }, 'prompt', /^Could not tokenize: prompt length is at least \d+ tokens, but max model context length is 512\.$/],
];

const HUGE_IDS = Array.from({ length: 900_000 }, (_, index) => 3 + (index % 250));
const listCases: readonly [string, string, Record<string, unknown>, string, RegExp][] = [
  ['a 900,000-id prompt', '/v1/completions', { model: SERVED_MODEL, prompt: HUGE_IDS, max_tokens: 4 }, 'prompt',
    /^Could not add request: prompt length is 900000 tokens, which gets padded to 900032 tokens, maximum number of output tokens is 4 tokens, but max model context length is 512\.$/],
  ['a list of 600 prompts', '/v1/completions', { model: SERVED_MODEL, prompt: Array.from({ length: 600 }, () => 'hi') }, 'prompt', /^'prompt': one prompt per request is supported, got 600\.$/],
  ['a /detokenize of 900,000 ids', '/detokenize', { tokens: HUGE_IDS }, 'tokens', /^Could not detokenize: 900000 tokens is more than max model context length 512/],
];

describe('having a server with max_model_len 512 and the 4 MiB body limit', () => {
  it.each(cases)('should refuse %s of a 4 MB text before tokenizing it, in the SPEC §1.4 words', async (_name, path, body, param, message) => {
    const answer = await postRaw(rig.baseUrl, path, JSON.stringify(body));
    expect(answer.status).toBe(400);
    const error = (answer.json as ErrorBody).error;
    expect(error.message).toMatch(message);
    expect(error.param).toBe(param);
    const minTokens = Number(/at least (\d+) tokens/.exec(error.message)?.[1]);
    expect(minTokens).toBeGreaterThan(MAX_MODEL_LEN);
    expect(minTokens).toBeLessThanOrEqual(rig.created.engine.codec.encode(HUGE_TEXT.slice(0, 40_000)).length * 100);
  });

  it.each(listCases)('should refuse %s before the schema walks it', async (_name, path, body, param, message) => {
    const answer = await postRaw(rig.baseUrl, path, JSON.stringify(body));
    expect(answer.status).toBe(400);
    expect((answer.json as ErrorBody).error).toMatchObject({ param });
    expect((answer.json as ErrorBody).error.message).toMatch(message);
  });

  describe('when a text is short in bytes but long in tokens (the bound cannot rule it out)', () => {
    it('should tokenize it and refuse it with the exact prompt length', async () => {
      const text = 'ab c'.repeat(300);
      const numTokens = rig.created.engine.codec.encode(text).length;
      const answer = await postRaw(rig.baseUrl, '/v1/completions', JSON.stringify({ model: SERVED_MODEL, prompt: text, max_tokens: 4 }));
      expect(answer.status).toBe(400);
      expect((answer.json as ErrorBody).error.message).toContain(`Could not add request: prompt length is ${numTokens} tokens`);
    });
  });

  describe('when a text fits', () => {
    it('should serve it', async () => {
      const answer = await postRaw(rig.baseUrl, '/v1/completions', JSON.stringify({ model: SERVED_MODEL, prompt: 'ab c'.repeat(50), max_tokens: 2, ignore_eos: true }));
      expect(answer.status).toBe(200);
    });
  });
});
