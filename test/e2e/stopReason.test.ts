// stop_reason as vLLM returns it, through the real server with the official openai client: the stop string
// matched or the stop token id on finish_reason "stop", null on "length" (and for EOS, see the engine's unit test).
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinalOutput } from '../../src/core/engine/generationTypes.js';
import { chatPromptIds } from '../../src/server/openai/prompts.js';
import { SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';

let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig();
});
afterAll(async () => {
  await rig?.close();
});

type VllmExtras = { ignore_eos?: boolean; stop_token_ids?: number[] };
type StopReason = string | number | null | undefined;
const PROMPT = 'Tell me a story';
const MESSAGES: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Tell me a story' }];

/** The greedy output of the prompt ids, straight from the engine (the reference the server's answers are checked against). */
async function greedy(promptTokenIds: readonly number[], maxTokens: number): Promise<FinalOutput> {
  let final: FinalOutput | undefined;
  for await (const output of rig.created.engine.generate({ promptTokenIds }, { temperature: 0, maxTokens, ignoreEos: true })) if (output.kind === 'final') final = output;
  if (final === undefined) throw new Error('no final output');
  return final;
}

/** A generated token whose first occurrence is at index 2 or later, and that index. */
function laterStopToken(tokenIds: readonly number[]): { tokenId: number; index: number } {
  const index = tokenIds.findIndex((id, at) => at >= 2 && tokenIds.indexOf(id) === at);
  if (index < 0) throw new Error(`no token first seen at index ≥ 2 in ${tokenIds.join(',')}`);
  return { tokenId: tokenIds[index] as number, index };
}

/** Two letters of the greedy text (not at its very start) to stop on. */
function laterStopString(text: string): string {
  const at = [...text].findIndex((_, index) => index >= 2 && /^[a-z]{2}$/i.test(text.slice(index, index + 2)));
  if (at < 0) throw new Error(`no two letters to stop on in ${JSON.stringify(text)}`);
  return text.slice(at, at + 2);
}

async function completion(extra: VllmExtras & { stop?: string[]; max_tokens: number }): Promise<{ once: OpenAI.Completion['choices'][number]; streamed: { finish: string | null; stopReasons: StopReason[] } }> {
  const body = { model: SERVED_MODEL, prompt: PROMPT, temperature: 0, ignore_eos: true, ...extra };
  const once = (await rig.client.completions.create(body as OpenAI.CompletionCreateParamsNonStreaming)).choices[0]!;
  const stream = await rig.client.completions.create({ ...body, stream: true } as OpenAI.CompletionCreateParamsStreaming);
  let finish: string | null = null;
  const stopReasons: StopReason[] = [];
  for await (const chunk of stream) {
    const choice = chunk.choices[0] as (typeof chunk.choices)[number] & { stop_reason?: StopReason };
    finish = choice.finish_reason ?? finish;
    stopReasons.push(choice.stop_reason);
  }
  return { once, streamed: { finish, stopReasons } };
}

async function chat(extra: VllmExtras & { stop?: string[]; max_tokens: number }): Promise<{ once: OpenAI.ChatCompletion['choices'][number]; streamed: { finish: string | null; last: StopReason; before: StopReason[] } }> {
  const body = { model: SERVED_MODEL, messages: MESSAGES, temperature: 0, ignore_eos: true, ...extra };
  const once = (await rig.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming)).choices[0]!;
  const stream = await rig.client.chat.completions.create({ ...body, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
  const chunks: { finish: string | null; stopReason: StopReason }[] = [];
  for await (const chunk of stream) {
    const choice = chunk.choices[0] as (typeof chunk.choices)[number] & { stop_reason?: StopReason };
    chunks.push({ finish: choice.finish_reason, stopReason: choice.stop_reason });
  }
  const last = chunks.at(-1)!;
  return { once, streamed: { finish: last.finish, last: last.stopReason, before: chunks.slice(0, -1).map((chunk) => chunk.stopReason) } };
}

const stopReasonOf = (choice: object): StopReason => (choice as { stop_reason?: StopReason }).stop_reason;

describe('having the server over the tiny model', () => {
  describe('when a completion stops on a token of stop_token_ids', () => {
    it('should answer stop_reason = that token id, streamed (on the last chunk, null before) and not', async () => {
      const reference = await greedy(rig.created.engine.codec.encode(PROMPT), 16);
      const { tokenId, index } = laterStopToken(reference.tokenIds);
      const { once, streamed } = await completion({ max_tokens: 16, stop_token_ids: [tokenId] });
      expect(once.finish_reason).toBe('stop');
      expect(stopReasonOf(once)).toBe(tokenId);
      expect(streamed.finish).toBe('stop');
      expect(streamed.stopReasons.at(-1)).toBe(tokenId);
      expect(streamed.stopReasons.slice(0, -1).every((reason) => reason === null)).toBe(true);
      // vLLM keeps a (non-special) stop token in the output.
      expect(once.text).toBe(rig.created.engine.codec.decode(reference.tokenIds.slice(0, index + 1)));
    });
  });

  describe('when a completion stops on a stop string', () => {
    it('should answer stop_reason = the stop string that matched, streamed and not', async () => {
      const free = await completion({ max_tokens: 40 });
      const stop = laterStopString(free.once.text);
      const { once, streamed } = await completion({ max_tokens: 40, stop: ['never in the output', stop] });
      expect(once.finish_reason).toBe('stop');
      expect(stopReasonOf(once)).toBe(stop);
      expect(streamed.stopReasons.at(-1)).toBe(stop);
    });
  });

  describe('when a completion ends on max_tokens', () => {
    it('should answer stop_reason null, streamed and not', async () => {
      const { once, streamed } = await completion({ max_tokens: 4, stop: ['never in the output'] });
      expect(once.finish_reason).toBe('length');
      expect(stopReasonOf(once)).toBeNull();
      expect(streamed.finish).toBe('length');
      expect(streamed.stopReasons.every((reason) => reason === null)).toBe(true);
    });
  });

  describe('when a chat completion stops on a token of stop_token_ids', () => {
    it('should answer stop_reason = that token id, in the message choice and on the last chunk only', async () => {
      const reference = await greedy(await chatPromptIds(MESSAGES as never, rig.server.context.tokenizer, () => undefined), 16);
      const { tokenId } = laterStopToken(reference.tokenIds);
      const { once, streamed } = await chat({ max_tokens: 16, stop_token_ids: [tokenId] });
      expect(once.finish_reason).toBe('stop');
      expect(stopReasonOf(once)).toBe(tokenId);
      expect(streamed.finish).toBe('stop');
      expect(streamed.last).toBe(tokenId);
      expect(streamed.before.every((reason) => reason === undefined)).toBe(true);
    });
  });

  describe('when a chat completion stops on a stop string or ends on max_tokens', () => {
    it('should answer the stop string, then null for length', async () => {
      const free = await chat({ max_tokens: 40 });
      const stop = laterStopString(free.once.message.content ?? '');
      const stopped = await chat({ max_tokens: 40, stop: [stop] });
      expect(stopReasonOf(stopped.once)).toBe(stop);
      expect(stopped.streamed.last).toBe(stop);
      const capped = await chat({ max_tokens: 4 });
      expect(capped.once.finish_reason).toBe('length');
      expect(stopReasonOf(capped.once)).toBeNull();
      expect(capped.streamed.last).toBeNull();
    });
  });
});
