// n > 1 through the real server with the official openai client: one choice per index, each the completion
// a single request with seed + index gives, usage over every choice, one prefill (the metrics show it).
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape, sampleValue } from './support/prometheusText.js';
import { engineDrained, SERVED_MODEL, type ServerRig, startServerRig } from './support/serverRig.js';

const LABELS = { model_name: SERVED_MODEL, engine: '0' };
const SEED = 1234;
const MAX_TOKENS = 12;
// 150 tokens: two full KV blocks shared by the copies and a partial one each copy gets a copy of.
const PROMPT = Array.from({ length: 150 }, (_, index) => 3 + ((index * 11 + 5) % 240));
const MESSAGES: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Write three different openings for a story about a lighthouse.' }];

let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig();
});
afterAll(async () => {
  await rig?.close();
});

type Extras = { ignore_eos?: boolean };

async function complete(params: Omit<OpenAI.CompletionCreateParamsNonStreaming, 'model'> & Extras): Promise<OpenAI.Completion> {
  return rig.client.completions.create({ model: SERVED_MODEL, ...params } as OpenAI.CompletionCreateParamsNonStreaming);
}

async function chat(params: Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model' | 'messages'> & Extras): Promise<OpenAI.ChatCompletion> {
  return rig.client.chat.completions.create({ model: SERVED_MODEL, messages: MESSAGES, ...params } as OpenAI.ChatCompletionCreateParamsNonStreaming);
}

const sampling = { temperature: 1, top_p: 0.9, max_tokens: MAX_TOKENS, ignore_eos: true };

describe('having the server over the tiny model (max_num_seqs 8, 128-token chunks)', () => {
  describe('when a completion asks for n=3 with a seed', () => {
    it('should answer choices 0, 1, 2, each the text of n=1 with seed + index, usage over all three, from one prefill', async () => {
      const before = await scrape(rig.baseUrl);
      const completion = await complete({ prompt: PROMPT, n: 3, seed: SEED, ...sampling });
      const after = await scrape(rig.baseUrl);
      expect(completion.choices.map((choice) => [choice.index, choice.finish_reason])).toEqual([[0, 'length'], [1, 'length'], [2, 'length']]);
      expect(completion.usage).toEqual({ prompt_tokens: 150, completion_tokens: 3 * MAX_TOKENS, total_tokens: 150 + 3 * MAX_TOKENS });
      const delta = (name: string, labels: Record<string, string> = LABELS): number =>
        (sampleValue(after.samples, name, labels) ?? 0) - (sampleValue(before.samples, name, labels) ?? 0);
      // Prefilled once: the prompt's 150 tokens in two chunks, then decode steps of 3 rows for the other 11 tokens each.
      expect(delta('vllm:iteration_tokens_total_sum')).toBe(150 + 3 * (MAX_TOKENS - 1));
      expect(delta('vllm:prompt_tokens_total')).toBe(150);
      expect(delta('vllm:generation_tokens_total')).toBe(3 * MAX_TOKENS);
      expect(delta('vllm:request_success_total', { ...LABELS, finished_reason: 'length' })).toBe(3);
      for (const choice of completion.choices) {
        const alone = await complete({ prompt: PROMPT, seed: SEED + choice.index, ...sampling });
        expect(choice.text).toBe(alone.choices[0]?.text);
      }
      expect(new Set(completion.choices.map((choice) => choice.text)).size).toBe(3);
    });

    it('should stream the same three texts, each choice ending with its finish reason, then the usage', async () => {
      const once = await complete({ prompt: PROMPT, n: 3, seed: SEED, ...sampling });
      const stream = await rig.client.completions.create({
        model: SERVED_MODEL, prompt: PROMPT, n: 3, seed: SEED, ...sampling, stream: true, stream_options: { include_usage: true },
      } as OpenAI.CompletionCreateParamsStreaming);
      const texts = ['', '', ''];
      const finishes: [number, string | null][] = [];
      const chunks: OpenAI.Completion[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        for (const choice of chunk.choices) {
          texts[choice.index] += choice.text;
          if (choice.finish_reason !== null) finishes.push([choice.index, choice.finish_reason]);
        }
      }
      expect(texts).toEqual(once.choices.map((choice) => choice.text));
      expect(finishes.sort()).toEqual([[0, 'length'], [1, 'length'], [2, 'length']]);
      expect(chunks.at(-1)?.choices).toEqual([]);
      expect(chunks.at(-1)?.usage).toEqual(once.usage);
      expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null && chunk.choices.length === 1)).toBe(true);
    });
  });

  describe('when an n=2 completion asks for logprobs', () => {
    it("should give each choice its own tokens' logprobs, as n=1 with seed + index does", async () => {
      const both = await complete({ prompt: PROMPT, n: 2, seed: SEED, logprobs: 2, ...sampling });
      for (const choice of both.choices) {
        const alone = await complete({ prompt: PROMPT, seed: SEED + choice.index, logprobs: 2, ...sampling });
        expect(choice.logprobs?.tokens).toHaveLength(MAX_TOKENS);
        expect(choice.logprobs).toEqual(alone.choices[0]?.logprobs);
      }
    });
  });

  describe('when a chat completion asks for n=3 with a seed', () => {
    it('should answer three messages, each the one n=1 gives with seed + index, and count the prompt once', async () => {
      const answer = await chat({ n: 3, seed: SEED, ...sampling });
      expect(answer.choices.map((choice) => [choice.index, choice.message.role, choice.finish_reason])).toEqual([
        [0, 'assistant', 'length'], [1, 'assistant', 'length'], [2, 'assistant', 'length'],
      ]);
      const alone = await Promise.all(answer.choices.map((choice) => chat({ seed: SEED + choice.index, ...sampling })));
      expect(answer.choices.map((choice) => choice.message.content)).toEqual(alone.map((single) => single.choices[0]?.message.content));
      expect(answer.usage?.prompt_tokens).toBe(alone[0]?.usage?.prompt_tokens);
      expect(answer.usage?.completion_tokens).toBe(3 * MAX_TOKENS);
      expect(answer.usage?.total_tokens).toBe(answer.usage!.prompt_tokens + 3 * MAX_TOKENS);
    });

    it('should stream a role chunk per choice, then the same three messages and the usage', async () => {
      const once = await chat({ n: 3, seed: SEED, ...sampling });
      const stream = await rig.client.chat.completions.create({
        model: SERVED_MODEL, messages: MESSAGES, n: 3, seed: SEED, ...sampling, stream: true, stream_options: { include_usage: true },
      } as OpenAI.ChatCompletionCreateParamsStreaming);
      const contents = ['', '', ''];
      const roles: number[] = [];
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        for (const choice of chunk.choices) {
          if (choice.delta.role === 'assistant') roles.push(choice.index);
          contents[choice.index] += choice.delta.content ?? '';
        }
        if (chunk.usage) usage = chunk.usage;
      }
      expect(roles).toEqual([0, 1, 2]);
      expect(contents).toEqual(once.choices.map((choice) => choice.message.content));
      expect(usage).toEqual(once.usage);
    });
  });

  describe('when the client leaves an n=3 stream after its first chunk', () => {
    it('should abort every copy and free every KV block', async () => {
      const stream = await rig.client.completions.create({
        model: SERVED_MODEL, prompt: PROMPT, n: 3, seed: SEED, temperature: 1, max_tokens: 300, ignore_eos: true, stream: true,
      } as OpenAI.CompletionCreateParamsStreaming);
      for await (const chunk of stream) {
        expect(chunk.choices).toHaveLength(1);
        break;
      }
      await engineDrained(rig);
      expect(rig.created.engine.core.stats().kvCacheUsage).toBe(0);
      const after = await complete({ prompt: 'still serving', max_tokens: 3, ignore_eos: true });
      expect(after.usage?.completion_tokens).toBe(3);
    });
  });

  describe('when n is not what the server can do', () => {
    it('should raise a BadRequestError naming n: below 1, above max_num_seqs, or with greedy sampling', async () => {
      await expect(complete({ prompt: 'Hi', n: 0, max_tokens: 2 })).rejects.toMatchObject({ status: 400, param: 'n' });
      await expect(complete({ prompt: 'Hi', n: 9, max_tokens: 2 })).rejects.toMatchObject({ status: 400, param: 'n', message: expect.stringMatching(/max_num_seqs=8/) });
      await expect(chat({ n: 2, temperature: 0, max_tokens: 2 })).rejects.toMatchObject({ status: 400, param: 'n', message: expect.stringMatching(/greedy sampling/) });
      await expect(complete({ prompt: 'Hi', n: 2, best_of: 3, max_tokens: 2 })).rejects.toMatchObject({ status: 400, param: 'best_of' });
      const asMany = await complete({ prompt: 'Hi', n: 2, best_of: 2, seed: SEED, max_tokens: 2, ignore_eos: true });
      expect(asMany.choices).toHaveLength(2);
      expect(rig.created.engine.numUnfinishedRequests).toBe(0);
    });
  });
});
