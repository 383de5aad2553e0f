import type { RequestOutcome } from './benchClient.js';
import type { BenchMetrics } from './benchMetrics.js';
import { percentile } from './benchMetrics.js';

/** The metrics `--percentile-metrics` may name (vLLM's names). */
export const PERCENTILE_METRICS = ['ttft', 'tpot', 'itl', 'e2el'] as const;
export type PercentileMetric = (typeof PERCENTILE_METRICS)[number];

/** What the run was asked to do, as `vllm bench serve` records it. */
export interface BenchRunDescription {
  readonly backend: string;
  readonly label: string | null;
  readonly modelId: string;
  readonly tokenizerId: string;
  readonly numPrompts: number;
  /** `--metadata KEY=VALUE` pairs, written as top-level keys (values are strings, as vLLM keeps them). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly requestRate: number;
  readonly burstiness: number;
  readonly maxConcurrency: number | undefined;
  readonly percentileMetrics: readonly PercentileMetric[];
  readonly metricPercentiles: readonly number[];
  /** --save-detailed: keep the per-request lists. */
  readonly saveDetailed: boolean;
  /** `%Y%m%d-%H%M%S`, local time. */
  readonly date: string;
}

/** `datetime.now().strftime("%Y%m%d-%H%M%S")`. */
export function vllmDate(now: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
}

/** How Python prints the float a rate flag parsed to: `4.0`, `0.5`, `inf`. */
function pythonFloat(value: number): string {
  if (!Number.isFinite(value)) return 'inf';
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/**
 * The file name vLLM picks without --result-filename: `{label or backend}-{rate}qps[-concurrency{n}]-
 * {model's last path part}-{date}.json`.
 */
export function vllmResultFileName(run: BenchRunDescription): string {
  const concurrency = run.maxConcurrency !== undefined ? `-concurrency${run.maxConcurrency}` : '';
  const baseModel = run.modelId.split('/').at(-1) ?? run.modelId;
  return `${run.label ?? run.backend}-${pythonFloat(run.requestRate)}qps${concurrency}-${baseModel}-${run.date}.json`;
}

/**
 * vLLM's peak figures: output tokens per one-second bucket from the first send (each token placed at its
 * send time + TTFT + the ITLs before it), the largest bucket; and the requests in flight in each second, the
 * largest count.
 */
function peaks(done: readonly RequestOutcome[]): { maxOutputTokensPerS: number; maxConcurrentRequests: number } {
  if (done.length === 0) return { maxOutputTokensPerS: 0, maxConcurrentRequests: 0 };
  const firstS = Math.min(...done.map((outcome) => outcome.sentAtS));
  const lastS = Math.max(...done.map((outcome) => outcome.sentAtS + outcome.latencyS));
  const numBuckets = Math.ceil(lastS - firstS) + 1;
  const tokens = new Float64Array(numBuckets);
  const inFlight = new Float64Array(numBuckets);
  for (const outcome of done) {
    let tokenS = outcome.sentAtS + outcome.ttftS;
    const times = [tokenS];
    for (const gap of outcome.itlS) times.push((tokenS += gap));
    for (const time of times) {
      const bucket = Math.floor(time - firstS);
      if (bucket >= 0 && bucket < numBuckets) tokens[bucket]! += 1;
    }
    const fromBucket = Math.floor(outcome.sentAtS - firstS);
    const toBucket = Math.floor(outcome.sentAtS + outcome.latencyS - firstS);
    for (let bucket = fromBucket; bucket <= toBucket && bucket < numBuckets; bucket++) inFlight[bucket]! += 1;
  }
  return { maxOutputTokensPerS: Math.max(...tokens), maxConcurrentRequests: Math.max(...inFlight) };
}

/** mean, median, std (population) and the asked percentiles of one metric, milliseconds, vLLM's keys. */
function metricFields(name: PercentileMetric, valuesS: readonly number[], percentiles: readonly number[]): Record<string, number> {
  const ms = (valuesS.length === 0 ? [0] : valuesS).map((value) => value * 1000).sort((a, b) => a - b);
  const mean = ms.reduce((sum, value) => sum + value, 0) / ms.length;
  const fields: Record<string, number> = {
    [`mean_${name}_ms`]: mean,
    [`median_${name}_ms`]: percentile(ms, 50),
    [`std_${name}_ms`]: Math.sqrt(ms.reduce((sum, value) => sum + (value - mean) ** 2, 0) / ms.length),
  };
  for (const p of percentiles) fields[`p${String(p)}_${name}_ms`] = percentile(ms, p);
  return fields;
}

/**
 * The JSON `vllm bench serve --save-result [--save-detailed]` writes (vllm/benchmarks/serve.py), key for key
 * and in its order: the run (date, backend, label, model and tokenizer, prompts, metadata, traffic), the
 * benchmark's totals and throughputs, with --save-detailed the per-request lists (a failed request has TTFT
 * 0, no ITLs, output length 0 and its error; a successful one an empty error), vLLM's peak figures, then
 * mean/median/std/pN of each metric asked. `start_times` are the send times in seconds from the first
 * request's due time (vLLM writes `time.perf_counter()`, whose origin is arbitrary too).
 */
export function vllmResultJson(run: BenchRunDescription, metrics: BenchMetrics, outcomes: readonly RequestOutcome[], startedAtS: number): Record<string, unknown> {
  const done = outcomes.filter((outcome) => outcome.success);
  const detailed = run.saveDetailed
    ? {
        input_lens: outcomes.map((outcome) => outcome.promptLen),
        output_lens: outcomes.map((outcome) => (outcome.success ? outcome.outputTokens : 0)),
        start_times: outcomes.map((outcome) => outcome.sentAtS - startedAtS),
        ttfts: outcomes.map((outcome) => (outcome.success ? outcome.ttftS : 0)),
        itls: outcomes.map((outcome) => (outcome.success ? [...outcome.itlS] : [])),
        generated_texts: outcomes.map((outcome) => outcome.generatedText),
        errors: outcomes.map((outcome) => outcome.error ?? ''),
      }
    : {};
  const { maxOutputTokensPerS, maxConcurrentRequests } = peaks(done);
  const valuesOf: Record<PercentileMetric, readonly number[]> = {
    ttft: done.map((outcome) => outcome.ttftS),
    tpot: done.filter((outcome) => outcome.outputTokens > 1).map((outcome) => (outcome.latencyS - outcome.ttftS) / (outcome.outputTokens - 1)),
    itl: done.flatMap((outcome) => outcome.itlS),
    e2el: done.map((outcome) => outcome.latencyS),
  };
  const percentileFields = Object.assign({}, ...PERCENTILE_METRICS.filter((name) => run.percentileMetrics.includes(name)).map((name) => metricFields(name, valuesOf[name], run.metricPercentiles))) as Record<string, number>;
  return {
    date: run.date,
    endpoint_type: run.backend,
    backend: run.backend,
    label: run.label,
    model_id: run.modelId,
    tokenizer_id: run.tokenizerId,
    num_prompts: run.numPrompts,
    ...run.metadata,
    request_rate: Number.isFinite(run.requestRate) ? run.requestRate : 'inf',
    burstiness: run.burstiness,
    max_concurrency: run.maxConcurrency ?? null,
    duration: metrics.durationS,
    completed: metrics.completed,
    failed: metrics.failed,
    total_input_tokens: metrics.totalInputTokens,
    total_output_tokens: metrics.totalOutputTokens,
    request_throughput: metrics.requestThroughput,
    request_goodput: null,
    output_throughput: metrics.outputThroughput,
    total_token_throughput: metrics.totalTokenThroughput,
    ...detailed,
    max_output_tokens_per_s: maxOutputTokensPerS,
    max_concurrent_requests: maxConcurrentRequests,
    ...percentileFields,
  };
}
