// The official openai client against the real server on loopback, over the real tiny model.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchServe } from '../../src/cli/commands/benchServe/runBenchServe.js';
import { PERF_LOG_FILE } from '../../src/server/metrics/perfMetricLog.js';
import { SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';

let rig: ServerRig;
let perfDir: string;

beforeAll(async () => {
  perfDir = mkdtempSync(join(tmpdir(), 'spyre-perf-'));
  rig = await startServerRig({ env: { VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED: '1', VLLM_SPYRE_PERF_METRIC_LOGGING_DIR: perfDir } });
});
afterAll(async () => {
  await rig?.close();
  rmSync(perfDir, { recursive: true, force: true });
});

/** vLLM's extra sampling fields, which the openai client sends through untouched. */
type WithVllmExtras<T> = T & { ignore_eos?: boolean; top_k?: number };

async function complete(params: WithVllmExtras<Omit<OpenAI.CompletionCreateParamsNonStreaming, 'model'>>): Promise<OpenAI.Completion> {
  return rig.client.completions.create({ model: SERVED_MODEL, ...params } as OpenAI.CompletionCreateParamsNonStreaming);
}

describe('having the OpenAI-compatible server over the tiny model', () => {
  describe('when a client lists the models', () => {
    it('should list the served model name with its max_model_len', async () => {
      const models = await rig.client.models.list();
      expect(models.data.map((model) => model.id)).toEqual([SERVED_MODEL]);
      expect((models.data[0] as unknown as { max_model_len: number }).max_model_len).toBe(512);
    });
  });

  describe('when a completion asks for max_tokens with ignore_eos', () => {
    it('should produce exactly that many tokens and finish with length', async () => {
      const completion = await complete({ prompt: 'The quick brown fox', max_tokens: 13, temperature: 0, ignore_eos: true });
      expect(completion.usage?.completion_tokens).toBe(13);
      expect(completion.choices[0]?.finish_reason).toBe('length');
      expect(completion.object).toBe('text_completion');
    });
  });

  describe('when the same greedy completion is streamed', () => {
    it('should stream the same text, end with the finish reason, and put the usage in the last chunk', async () => {
      const once = await complete({ prompt: 'Once upon a time', max_tokens: 20, temperature: 0, ignore_eos: true });
      const stream = await rig.client.completions.create({
        model: SERVED_MODEL, prompt: 'Once upon a time', max_tokens: 20, temperature: 0, stream: true, stream_options: { include_usage: true }, ignore_eos: true,
      } as OpenAI.CompletionCreateParamsStreaming);
      const chunks: OpenAI.Completion[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe(once.choices[0]?.text);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toEqual(once.usage);
      expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
      expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    });
  });

  describe('when a stop string occurs in the greedy output', () => {
    it('should cut the text just before it and finish with stop', async () => {
      const free = await complete({ prompt: 'Tell me a story', max_tokens: 40, temperature: 0, ignore_eos: true });
      const text = free.choices[0]?.text ?? '';
      const at = [...text].findIndex((_, index) => index >= 2 && /^[a-z]{2}$/i.test(text.slice(index, index + 2)));
      expect(at).toBeGreaterThan(0);
      const stop = text.slice(at, at + 2);
      const stopped = await complete({ prompt: 'Tell me a story', max_tokens: 40, temperature: 0, ignore_eos: true, stop: [stop] });
      expect(stopped.choices[0]?.text).toBe(text.slice(0, text.indexOf(stop)));
      expect(stopped.choices[0]?.finish_reason).toBe('stop');
    });
  });

  describe('when sampling with seeds', () => {
    it('should give the same text for the same seed and different texts for different seeds', async () => {
      const sample = async (seed: number): Promise<string> =>
        (await complete({ prompt: 'Random words:', max_tokens: 16, temperature: 1, seed, ignore_eos: true })).choices[0]?.text ?? '';
      const first = await sample(42);
      expect(await sample(42)).toBe(first);
      const others = await Promise.all([sample(1), sample(2), sample(3)]);
      expect(new Set([first, ...others]).size).toBeGreaterThan(1);
    });
  });

  describe('when a completion asks for logprobs', () => {
    it('should give one entry per token with the top alternatives, the chosen one not above the best', async () => {
      const completion = await complete({ prompt: 'Hello', max_tokens: 5, temperature: 0, logprobs: 3, ignore_eos: true });
      const logprobs = completion.choices[0]?.logprobs;
      expect(logprobs?.tokens).toHaveLength(5);
      expect(logprobs?.token_logprobs).toHaveLength(5);
      for (const [index, top] of (logprobs?.top_logprobs ?? []).entries()) {
        const values = Object.values(top);
        expect(values.length).toBeGreaterThan(0);
        expect(values.length).toBeLessThanOrEqual(3);
        expect(logprobs?.token_logprobs?.[index]).toBeCloseTo(Math.max(...values), 6);
      }
    });
  });

  describe('when a chat completion is sent, streamed and not', () => {
    it('should answer as the assistant with the same greedy text both ways', async () => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi there' }];
      const once = await rig.client.chat.completions.create({ model: SERVED_MODEL, messages, max_tokens: 12, temperature: 0, logprobs: true, top_logprobs: 2 });
      expect(once.choices[0]?.message.role).toBe('assistant');
      expect(once.usage?.completion_tokens).toBeGreaterThan(0);
      expect(once.choices[0]?.logprobs?.content).toHaveLength(once.usage?.completion_tokens ?? -1);
      const stream = await rig.client.chat.completions.create({ model: SERVED_MODEL, messages, max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true } });
      let text = '';
      let role: string | undefined;
      let finish: string | null | undefined;
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        role ??= chunk.choices[0]?.delta.role;
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      expect(role).toBe('assistant');
      expect(text).toBe(once.choices[0]?.message.content);
      expect(finish).toBe(once.choices[0]?.finish_reason);
      expect(usage).toEqual(once.usage);
    });
  });

  describe('when a prompt is tokenized and detokenized', () => {
    it('should count the same prompt tokens as a completion reports', async () => {
      const tokenized = (await (await fetch(`${rig.baseUrl}/tokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'Hello world' }) })).json()) as { count: number; tokens: number[] };
      const completion = await complete({ prompt: 'Hello world', max_tokens: 1 });
      expect(tokenized.count).toBe(completion.usage?.prompt_tokens);
      const detokenized = (await (await fetch(`${rig.baseUrl}/detokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tokens: tokenized.tokens }) })).json()) as { prompt: string };
      expect(detokenized.prompt).toBe('Hello world');
    });
  });

  describe('when probes ask /health and /version', () => {
    it('should answer 200 and the version', async () => {
      expect((await fetch(`${rig.baseUrl}/health`)).status).toBe(200);
      expect(await (await fetch(`${rig.baseUrl}/version`)).json()).toEqual({ version: '0.0.0' });
    });
  });

  describe('when the perf metric log is on (VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED=1)', () => {
    it('should append one JSON line per finished request with the phase times', async () => {
      const before = readPerfLines().length;
      await complete({ prompt: 'Log me', max_tokens: 6, ignore_eos: true });
      const lines = readPerfLines();
      expect(lines).toHaveLength(before + 1);
      const line = lines.at(-1) as Record<string, unknown>;
      // vLLM-Spyre's keys (vllm_spyre/v1/metrics/stats_logger.py); finish_reason is vLLM's IntEnum (1 = length).
      expect(line).toMatchObject({ finish_reason: 1, num_generation_tokens: 6 });
      expect(line['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
      for (const field of ['e2e_latency_seconds', 'queued_time_seconds', 'prefill_time_seconds', 'inference_time_seconds', 'decode_time_seconds', 'mean_time_per_output_token_seconds', 'prefill_interrupt_seconds', 'decode_only_itl_seconds', 'num_prompt_tokens']) {
        expect(typeof line[field], field).toBe('number');
      }
      expect(line['e2e_latency_seconds'] as number).toBeGreaterThanOrEqual((line['prefill_time_seconds'] as number) + (line['decode_time_seconds'] as number) - 1e-9);
    });
  });

  describe('when spyre bench serve runs a small random dataset against it', () => {
    it('should complete every request with exactly the asked output tokens and count them', async () => {
      const result = await runBenchServe({
        baseUrl: rig.baseUrl, model: undefined, requestRate: 200, burstiness: 1, maxConcurrency: 4, ignoreEos: true, apiKey: undefined, seed: 1, progress: undefined,
        dataset: { name: 'shared-prefix', numPrompts: 12, inputLen: 20, outputLen: 7, rangeRatio: 0, prefixLen: 64, numPrefixGroups: 2, firstTokenId: 10, vocabSpan: 246, seed: 1 },
      });
      expect(result.model).toBe(SERVED_MODEL);
      expect(result.metrics).toMatchObject({ completed: 12, failed: 0, totalInputTokens: 12 * 84, totalOutputTokens: 12 * 7 });
      expect(result.metrics.ttftMs.p99).toBeGreaterThan(0);
    });
  });
});

function readPerfLines(): unknown[] {
  try {
    return readFileSync(join(perfDir, PERF_LOG_FILE), 'utf8').trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);
  } catch {
    return [];
  }
}
