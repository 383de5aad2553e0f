// /metrics scraped from the real server and parsed: SPEC §4 names, types, labels and buckets, and values
// that follow what the requests did.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TTFT_BUCKETS_S } from '../../src/core/metrics/metricNames.js';
import { scrape, sampleValue } from './support/prometheusText.js';
import { engineDrained, SERVED_MODEL, type ServerRig, startServerRig } from './support/serverRig.js';

const LABELS = { model_name: SERVED_MODEL, engine: '0' };
let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig({ flags: { enablePrefixCaching: true, maxNumBatchedTokens: 128 } });
});
afterAll(async () => {
  await rig?.close();
});

function promptIds(length: number, seed: number): number[] {
  return Array.from({ length }, (_, index) => 3 + ((index * 7 + seed * 13) % 250));
}

describe('having a server with prefix caching and 128-token chunks', () => {
  describe('when /metrics is scraped before any request', () => {
    it("should list SPEC §4's metrics with their types, counters with _total, and the spec's TTFT buckets", async () => {
      const { samples, types } = await scrape(rig.baseUrl);
      for (const gauge of ['vllm:num_requests_running', 'vllm:num_requests_waiting', 'vllm:kv_cache_usage_perc']) expect(types.get(gauge)).toBe('gauge');
      for (const counter of ['prompt_tokens', 'generation_tokens', 'prefix_cache_queries', 'prefix_cache_hits', 'num_preemptions', 'request_success']) {
        expect(types.get(`vllm:${counter}_total`)).toBe('counter');
      }
      for (const histogram of [
        'time_to_first_token_seconds', 'inter_token_latency_seconds', 'request_time_per_output_token_seconds', 'e2e_request_latency_seconds',
        'request_queue_time_seconds', 'request_prefill_time_seconds', 'request_decode_time_seconds', 'request_prompt_tokens',
        'request_generation_tokens', 'iteration_tokens_total',
      ]) {
        expect(types.get(`vllm:${histogram}`)).toBe('histogram');
      }
      expect(sampleValue(samples, 'vllm:prompt_tokens_total', LABELS)).toBe(0);
      expect(sampleValue(samples, 'vllm:request_success_total', { ...LABELS, finished_reason: 'length' })).toBe(0);
      const ttftBounds = samples.filter((sample) => sample.name === 'vllm:time_to_first_token_seconds_bucket').map((sample) => sample.labels['le']);
      expect(ttftBounds).toEqual([...TTFT_BUCKETS_S.map(String), '+Inf']);
    });
  });

  describe('when a long request is running', () => {
    it('should report KV usage above 0 and one running request, and nothing once the client disconnected', async () => {
      const stream = await rig.client.completions.create({
        model: SERVED_MODEL, prompt: 'Keep talking', max_tokens: 400, stream: true, ignore_eos: true,
      } as OpenAI.CompletionCreateParamsStreaming);
      let during: Awaited<ReturnType<typeof scrape>> | undefined;
      for await (const _chunk of stream) {
        during = await scrape(rig.baseUrl);
        break;
      }
      expect(sampleValue(during?.samples ?? [], 'vllm:kv_cache_usage_perc', LABELS)).toBeGreaterThan(0);
      expect(sampleValue(during?.samples ?? [], 'vllm:num_requests_running', LABELS)).toBe(1);
      await engineDrained(rig);
      const after = await scrape(rig.baseUrl);
      expect(sampleValue(after.samples, 'vllm:kv_cache_usage_perc', LABELS)).toBe(0);
      expect(sampleValue(after.samples, 'vllm:num_requests_running', LABELS)).toBe(0);
      expect(sampleValue(after.samples, 'vllm:request_success_total', { ...LABELS, finished_reason: 'abort' })).toBe(1);
    });
  });

  describe('when a client of a non-streaming request hangs up before the answer', () => {
    it('should abort the request at once and free its blocks', async () => {
      const before = await scrape(rig.baseUrl);
      const controller = new AbortController();
      const pending = fetch(`${rig.baseUrl}/v1/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, signal: controller.signal,
        body: JSON.stringify({ model: SERVED_MODEL, prompt: 'Talk for a long time', max_tokens: 400, ignore_eos: true }),
      });
      while (rig.created.engine.core.stats().numRunning === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      controller.abort();
      await expect(pending).rejects.toThrow();
      await engineDrained(rig);
      const after = await scrape(rig.baseUrl);
      const aborted = (sample: Awaited<ReturnType<typeof scrape>>): number => sampleValue(sample.samples, 'vllm:request_success_total', { ...LABELS, finished_reason: 'abort' }) ?? 0;
      expect(aborted(after) - aborted(before)).toBe(1);
      expect(sampleValue(after.samples, 'vllm:request_success_total', { ...LABELS, finished_reason: 'length' })).toBe(sampleValue(before.samples, 'vllm:request_success_total', { ...LABELS, finished_reason: 'length' }));
      expect(rig.created.engine.core.stats().kvCacheUsage).toBe(0);
    });
  });

  describe('when the same 299-token prompt is sent twice', () => {
    it('should count 192 prefix-cache hit tokens (SPEC §3: whole 128-token chunks, last chunk recomputed)', async () => {
      const before = await scrape(rig.baseUrl);
      const prompt = promptIds(299, 1);
      for (let round = 0; round < 2; round++) await rig.client.completions.create({ model: SERVED_MODEL, prompt, max_tokens: 2, temperature: 0 });
      const after = await scrape(rig.baseUrl);
      const delta = (name: string): number => (sampleValue(after.samples, name, LABELS) ?? 0) - (sampleValue(before.samples, name, LABELS) ?? 0);
      expect(delta('vllm:prefix_cache_hits_total')).toBe(192);
      expect(delta('vllm:prefix_cache_queries_total')).toBe(2 * 299);
    });
  });

  describe('when requests finish by length', () => {
    it('should count their prompt and generation tokens, successes, and one TTFT and e2e observation each', async () => {
      const before = await scrape(rig.baseUrl);
      const prompts = [promptIds(10, 2), promptIds(70, 3), promptIds(130, 4)];
      await Promise.all(prompts.map((prompt) => rig.client.completions.create({ model: SERVED_MODEL, prompt, max_tokens: 5, ignore_eos: true } as OpenAI.CompletionCreateParamsNonStreaming)));
      const after = await scrape(rig.baseUrl);
      const delta = (name: string, labels: Record<string, string> = LABELS): number =>
        (sampleValue(after.samples, name, labels) ?? 0) - (sampleValue(before.samples, name, labels) ?? 0);
      expect(delta('vllm:prompt_tokens_total')).toBe(10 + 70 + 130);
      expect(delta('vllm:generation_tokens_total')).toBe(15);
      expect(delta('vllm:request_success_total', { ...LABELS, finished_reason: 'length' })).toBe(3);
      expect(delta('vllm:time_to_first_token_seconds_count')).toBe(3);
      expect(delta('vllm:inter_token_latency_seconds_count')).toBe(12);
      expect(delta('vllm:e2e_request_latency_seconds_count')).toBe(3);
      expect(delta('vllm:request_generation_tokens_sum')).toBe(15);
      // Iterations: prefill chunks carry their prompt tokens, decode steps one token per row.
      expect(delta('vllm:iteration_tokens_total_sum')).toBeGreaterThanOrEqual(10 + 70 + 130);
    });
  });
});
