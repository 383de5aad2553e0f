/**
 * vLLM's Prometheus metrics (SPEC §4): one row per metric — name, kind, help text and bucket boundaries,
 * kept exactly so that dashboards built for vLLM read this engine. The server's registrations are
 * generated from {@link METRIC_TABLE}. Counters are named without `_total`: Prometheus clients that follow
 * the OpenMetrics naming add it when they expose them; see {@link counterSampleName}.
 */

export const TTFT_BUCKETS_S: readonly number[] = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];

/** Inter-token latency and time per output token. */
export const TOKEN_LATENCY_BUCKETS_S: readonly number[] = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];

/** End-to-end, queue, prefill and decode time of a request. */
export const REQUEST_LATENCY_BUCKETS_S: readonly number[] = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];

export const ITERATION_TOKENS_BUCKETS: readonly number[] = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

/** The extra label of `vllm:request_success`. */
export const FINISHED_REASON_LABEL = 'finished_reason';

/**
 * One metric: a gauge, a counter or a histogram with its buckets (`'tokens per request'`: vLLM's 1-2-5
 * buckets up to max_model_len, see {@link oneTwoFiveBuckets}); `extraLabel` beyond {@link BASE_LABEL_NAMES}.
 */
export type MetricRow =
  | { readonly name: string; readonly kind: 'gauge' | 'counter'; readonly help: string; readonly extraLabel?: typeof FINISHED_REASON_LABEL }
  | { readonly name: string; readonly kind: 'histogram'; readonly help: string; readonly buckets: readonly number[] | 'tokens per request' };

export const METRIC_TABLE = {
  numRequestsRunning: { name: 'vllm:num_requests_running', kind: 'gauge', help: 'Number of requests in model execution batches.' },
  numRequestsWaiting: { name: 'vllm:num_requests_waiting', kind: 'gauge', help: 'Number of requests waiting to be processed.' },
  kvCacheUsagePerc: { name: 'vllm:kv_cache_usage_perc', kind: 'gauge', help: 'KV-cache usage. 1 means 100 percent usage.' },
  promptTokens: { name: 'vllm:prompt_tokens', kind: 'counter', help: 'Number of prefill tokens processed.' },
  generationTokens: { name: 'vllm:generation_tokens', kind: 'counter', help: 'Number of generation tokens processed.' },
  prefixCacheQueries: { name: 'vllm:prefix_cache_queries', kind: 'counter', help: 'Prefix cache queries, in terms of number of queried tokens.' },
  prefixCacheHits: { name: 'vllm:prefix_cache_hits', kind: 'counter', help: 'Prefix cache hits, in terms of number of cached tokens.' },
  numPreemptions: { name: 'vllm:num_preemptions', kind: 'counter', help: 'Cumulative number of preemption from the engine.' },
  requestSuccess: { name: 'vllm:request_success', kind: 'counter', help: 'Count of successfully processed requests.', extraLabel: FINISHED_REASON_LABEL },
  timeToFirstTokenSeconds: { name: 'vllm:time_to_first_token_seconds', kind: 'histogram', help: 'Histogram of time to first token in seconds.', buckets: TTFT_BUCKETS_S },
  interTokenLatencySeconds: { name: 'vllm:inter_token_latency_seconds', kind: 'histogram', help: 'Histogram of inter-token latency in seconds.', buckets: TOKEN_LATENCY_BUCKETS_S },
  requestTimePerOutputTokenSeconds: {
    name: 'vllm:request_time_per_output_token_seconds',
    kind: 'histogram',
    help: 'Histogram of time_per_output_token_seconds per request.',
    buckets: TOKEN_LATENCY_BUCKETS_S,
  },
  e2eRequestLatencySeconds: { name: 'vllm:e2e_request_latency_seconds', kind: 'histogram', help: 'Histogram of e2e request latency in seconds.', buckets: REQUEST_LATENCY_BUCKETS_S },
  requestQueueTimeSeconds: { name: 'vllm:request_queue_time_seconds', kind: 'histogram', help: 'Histogram of time spent in WAITING phase for request.', buckets: REQUEST_LATENCY_BUCKETS_S },
  requestPrefillTimeSeconds: { name: 'vllm:request_prefill_time_seconds', kind: 'histogram', help: 'Histogram of time spent in PREFILL phase for request.', buckets: REQUEST_LATENCY_BUCKETS_S },
  requestDecodeTimeSeconds: { name: 'vllm:request_decode_time_seconds', kind: 'histogram', help: 'Histogram of time spent in DECODE phase for request.', buckets: REQUEST_LATENCY_BUCKETS_S },
  requestPromptTokens: { name: 'vllm:request_prompt_tokens', kind: 'histogram', help: 'Number of prefill tokens processed.', buckets: 'tokens per request' },
  requestGenerationTokens: { name: 'vllm:request_generation_tokens', kind: 'histogram', help: 'Number of generation tokens processed.', buckets: 'tokens per request' },
  iterationTokensTotal: { name: 'vllm:iteration_tokens_total', kind: 'histogram', help: 'Histogram of number of tokens per engine_step.', buckets: ITERATION_TOKENS_BUCKETS },
} as const satisfies Record<string, MetricRow>;

export type MetricKey = keyof typeof METRIC_TABLE;

/** The metrics of one kind in the table. */
export type MetricKeyOf<Kind extends MetricRow['kind']> = { [K in MetricKey]: (typeof METRIC_TABLE)[K]['kind'] extends Kind ? K : never }[MetricKey];

/** Each metric's name, by key. */
export const METRIC_NAMES = Object.fromEntries(Object.entries(METRIC_TABLE).map(([key, row]) => [key, row.name])) as { readonly [K in MetricKey]: (typeof METRIC_TABLE)[K]['name'] };

/** Labels on every metric. */
export const BASE_LABEL_NAMES = ['model_name', 'engine'] as const;

/** The name under which a counter's sample is scraped. */
export function counterSampleName(name: string): string {
  return `${name}_total`;
}

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
