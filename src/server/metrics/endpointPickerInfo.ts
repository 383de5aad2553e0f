import { Gauge, type Registry } from 'prom-client';
import type { EngineConfig } from '../../core/contracts/config.js';

/** The info gauges vLLM exposes and the Gateway API Inference Extension's endpoint picker reads. */
export const CACHE_CONFIG_INFO = 'vllm:cache_config_info';
export const LORA_REQUESTS_INFO = 'vllm:lora_requests_info';

/**
 * Registers vLLM's `vllm:cache_config_info` (value 1; the cache config as labels: `block_size`,
 * `num_gpu_blocks`, `enable_prefix_caching`, and `prefix_match_unit`, the block the prefix scorer hashes by)
 * and `vllm:lora_requests_info` (value: when it was last updated, in seconds since the epoch; labels
 * `max_lora`, `running_lora_adapters`, `waiting_lora_adapters`). This engine serves no LoRA adapters, so the
 * lists are empty and `max_lora` is 0, which the picker reads as "no adapter affinity".
 */
export function registerEndpointPickerInfo(registry: Registry, config: EngineConfig): void {
  const cache = new Gauge({
    name: CACHE_CONFIG_INFO,
    help: 'Information of the LLMEngine CacheConfig',
    labelNames: ['block_size', 'num_gpu_blocks', 'enable_prefix_caching', 'prefix_match_unit'],
    registers: [registry],
  });
  const block = String(config.blockSize);
  cache.set({ block_size: block, num_gpu_blocks: String(config.numBlocks), enable_prefix_caching: String(config.enablePrefixCaching), prefix_match_unit: block }, 1);
  const lora = { max_lora: '0', running_lora_adapters: '', waiting_lora_adapters: '' };
  new Gauge({
    name: LORA_REQUESTS_INFO,
    help: 'Running stats on lora requests.',
    labelNames: ['max_lora', 'running_lora_adapters', 'waiting_lora_adapters'],
    registers: [registry],
    collect() {
      this.set(lora, Date.now() / 1000);
    },
  });
}
