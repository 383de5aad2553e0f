/**
 * vLLM's Prometheus metrics (SPEC §4): names, label names and bucket boundaries, kept exactly so that
 * dashboards built for vLLM read this engine. Counters are named without `_total`: Prometheus clients
 * that follow the OpenMetrics naming add it when they expose them; see {@link counterSampleName}.
 */
export const METRIC_NAMES = {
  numRequestsRunning: 'vllm:num_requests_running',
  numRequestsWaiting: 'vllm:num_requests_waiting',
  kvCacheUsagePerc: 'vllm:kv_cache_usage_perc',
  promptTokens: 'vllm:prompt_tokens',
  generationTokens: 'vllm:generation_tokens',
  prefixCacheQueries: 'vllm:prefix_cache_queries',
  prefixCacheHits: 'vllm:prefix_cache_hits',
  numPreemptions: 'vllm:num_preemptions',
  requestSuccess: 'vllm:request_success',
  timeToFirstTokenSeconds: 'vllm:time_to_first_token_seconds',
  interTokenLatencySeconds: 'vllm:inter_token_latency_seconds',
  requestTimePerOutputTokenSeconds: 'vllm:request_time_per_output_token_seconds',
  e2eRequestLatencySeconds: 'vllm:e2e_request_latency_seconds',
  requestQueueTimeSeconds: 'vllm:request_queue_time_seconds',
  requestPrefillTimeSeconds: 'vllm:request_prefill_time_seconds',
  requestDecodeTimeSeconds: 'vllm:request_decode_time_seconds',
  requestPromptTokens: 'vllm:request_prompt_tokens',
  requestGenerationTokens: 'vllm:request_generation_tokens',
  iterationTokensTotal: 'vllm:iteration_tokens_total',
} as const;

export type MetricKey = keyof typeof METRIC_NAMES;

/** Labels on every metric. */
export const BASE_LABEL_NAMES = ['model_name', 'engine'] as const;

/** The extra label of `vllm:request_success`. */
export const FINISHED_REASON_LABEL = 'finished_reason';

/** The name under which a counter's sample is scraped. */
export function counterSampleName(name: string): string {
  return `${name}_total`;
}

export const TTFT_BUCKETS_S: readonly number[] = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];

/** Inter-token latency and time per output token. */
export const TOKEN_LATENCY_BUCKETS_S: readonly number[] = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];

/** End-to-end, queue, prefill and decode time of a request. */
export const REQUEST_LATENCY_BUCKETS_S: readonly number[] = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];

export const ITERATION_TOKENS_BUCKETS: readonly number[] = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

/** vLLM's 1-2-5 buckets up to `max`, for tokens per request (prompt and generation). */
export function oneTwoFiveBuckets(max: number): number[] {
  const buckets: number[] = [];
  for (let exponent = 1; ; exponent *= 10) {
    for (const mantissa of [1, 2, 5]) {
      const value = mantissa * exponent;
      if (value > max) return buckets;
      buckets.push(value);
    }
  }
}
