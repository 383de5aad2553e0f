// What the Gateway API Inference Extension's endpoint picker scrapes by default, from the real server:
// queue depth, running requests, KV-cache usage (a 0-1 fraction), LoRA info and the cache config.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape, sampleValue } from './support/prometheusText.js';
import { startServerRig, type ServerRig } from './support/serverRig.js';

let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig({ flags: { enablePrefixCaching: true, maxNumBatchedTokens: 128 } });
});
afterAll(async () => {
  await rig?.close();
});

describe('having a server with prefix caching', () => {
  describe("when /metrics is scraped as the endpoint picker's default flags name it", () => {
    it('should expose the queue, running and KV gauges, vllm:cache_config_info with the block size and block count, and vllm:lora_requests_info', async () => {
      const before = Date.now() / 1000;
      const { samples, types } = await scrape(rig.baseUrl);
      for (const gauge of ['vllm:num_requests_waiting', 'vllm:num_requests_running', 'vllm:kv_cache_usage_perc', 'vllm:cache_config_info', 'vllm:lora_requests_info']) expect(types.get(gauge)).toBe('gauge');
      const kv = sampleValue(samples, 'vllm:kv_cache_usage_perc');
      expect(kv).toBeGreaterThanOrEqual(0);
      expect(kv).toBeLessThanOrEqual(1);
      const config = rig.created.config;
      expect(sampleValue(samples, 'vllm:cache_config_info', { block_size: String(config.blockSize), num_gpu_blocks: String(config.numBlocks), enable_prefix_caching: 'true', prefix_match_unit: '64' })).toBe(1);
      const updatedS = sampleValue(samples, 'vllm:lora_requests_info', { max_lora: '0', running_lora_adapters: '', waiting_lora_adapters: '' });
      expect(updatedS).toBeGreaterThanOrEqual(Math.floor(before));
      expect(updatedS).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    });
  });
});
