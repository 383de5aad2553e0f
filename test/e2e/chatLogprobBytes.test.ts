// Chat logprobs `bytes` through the real server and the official openai client: each token's own UTF-8
// bytes, also for a token that ends in the middle of a character (its `token` text shows U+FFFD).
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';

let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig();
});
afterAll(async () => {
  await rig?.close();
});

const REPLACEMENT = '\uFFFD';
const MESSAGES: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Écris « déjà vu » en 日本語 ✓ — naïve café' }];

type Sampled = { content: string; tokens: OpenAI.ChatCompletionTokenLogprob[] };

async function sampledChat(seed: number, stream: boolean): Promise<Sampled> {
  const body = { model: SERVED_MODEL, messages: MESSAGES, max_tokens: 24, temperature: 1, seed, logprobs: true, top_logprobs: 3, ignore_eos: true } as OpenAI.ChatCompletionCreateParamsNonStreaming;
  if (!stream) {
    const choice = (await rig.client.chat.completions.create(body)).choices[0]!;
    return { content: choice.message.content ?? '', tokens: choice.logprobs?.content ?? [] };
  }
  const chunks = await rig.client.chat.completions.create({ ...body, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
  const sampled: Sampled = { content: '', tokens: [] };
  for await (const chunk of chunks) {
    sampled.content += chunk.choices[0]?.delta.content ?? '';
    sampled.tokens.push(...(chunk.choices[0]?.logprobs?.content ?? []));
  }
  return sampled;
}

/** A token's text is its decoding alone: U+FFFD where it holds only part of a character. */
const splitsACharacter = (token: OpenAI.ChatCompletionTokenLogprob): boolean => token.token.includes(REPLACEMENT);
const lossyUtf8 = (bytes: readonly number[]): string => new TextDecoder().decode(Uint8Array.from(bytes));
const SEEDS = Array.from({ length: 16 }, (_, seed) => seed);

describe('having the server over the tiny (byte-level BPE) model', () => {
  describe('when chat completions with logprobs sample tokens that end mid-character', () => {
    it("should give each token's own bytes: together they decode to the answer, streamed and not", async () => {
      let charactersAcrossTokens = 0;
      for (const seed of SEEDS) {
        const sampled = await sampledChat(seed, false);
        expect(sampled.tokens).toHaveLength(24);
        // the answer is the lossy UTF-8 decoding of the tokens' bytes, as the detokenizer decodes them
        expect(lossyUtf8(sampled.tokens.flatMap((token) => token.bytes ?? []))).toBe(sampled.content);
        for (const split of sampled.tokens.filter(splitsACharacter)) {
          expect(split.bytes).not.toEqual([...Buffer.from(REPLACEMENT, 'utf8')]);
          expect(() => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(split.bytes ?? []))).toThrow();
        }
        // a character whose bytes two tokens share: the tokens' own texts (U+FFFD each) do not make the answer
        if (lossyUtf8(sampled.tokens.flatMap((token) => [...Buffer.from(token.token, 'utf8')])) !== sampled.content) {
          charactersAcrossTokens += 1;
          const streamed = await sampledChat(seed, true);
          expect(streamed.content).toBe(sampled.content);
          expect(streamed.tokens).toEqual(sampled.tokens);
        }
      }
      expect(charactersAcrossTokens, 'no seed sampled a character split across tokens; change the prompt or the seeds').toBeGreaterThan(0);
    });

    it('should give every top alternative its own bytes too (the chosen one as the chosen token)', async () => {
      for (const seed of SEEDS.slice(0, 4)) {
        for (const token of (await sampledChat(seed, false)).tokens) {
          for (const top of token.top_logprobs) {
            if (top.token.includes(REPLACEMENT)) expect(() => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(top.bytes ?? []))).toThrow();
            else expect(Buffer.from(top.bytes ?? [])).toEqual(Buffer.from(top.token, 'utf8'));
            if (top.token === token.token && top.logprob === token.logprob) expect(top.bytes).toEqual(token.bytes);
          }
        }
      }
    });
  });
});
