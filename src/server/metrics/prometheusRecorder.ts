import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineCoreStats } from '../../core/contracts/engineStats.js';
import type { FinishedRequestTimings, MetricsRecorder } from '../../core/metrics/metricsRecorder.js';
import {
  counterSampleName,
  FINISHED_REASON_LABEL,
  ITERATION_TOKENS_BUCKETS,
  METRIC_NAMES as N,
  oneTwoFiveBuckets,
  REQUEST_LATENCY_BUCKETS_S,
  TOKEN_LATENCY_BUCKETS_S,
  TTFT_BUCKETS_S,
} from '../../core/metrics/metricNames.js';

type BaseLabel = 'model_name' | 'engine';
type TotalKey = 'queried' | 'hits' | 'preemptions';

export interface PrometheusRecorderOptions {
  readonly modelName: string;
  readonly maxModelLen: number;
  /** vLLM's engine index label; one engine here. */
  readonly engineIndex?: string;
}

/**
 * SPEC §4's metrics in a prom-client registry of their own (so that several servers in one process, as
 * in tests, do not share counters). Counters follow cumulative engine totals by adding the difference.
 */
export class PrometheusRecorder implements MetricsRecorder {
  readonly registry = new Registry();
  private readonly labels: Record<BaseLabel, string>;
  private readonly running: Gauge<BaseLabel>;
  private readonly waiting: Gauge<BaseLabel>;
  private readonly kvUsage: Gauge<BaseLabel>;
  private readonly promptTokens: Counter<BaseLabel>;
  private readonly generationTokens: Counter<BaseLabel>;
  private readonly prefixQueries: Counter<BaseLabel>;
  private readonly prefixHits: Counter<BaseLabel>;
  private readonly preemptions: Counter<BaseLabel>;
  private readonly success: Counter<BaseLabel | typeof FINISHED_REASON_LABEL>;
  private readonly ttft: Histogram<BaseLabel>;
  private readonly itl: Histogram<BaseLabel>;
  private readonly tpot: Histogram<BaseLabel>;
  private readonly e2e: Histogram<BaseLabel>;
  private readonly queue: Histogram<BaseLabel>;
  private readonly prefill: Histogram<BaseLabel>;
  private readonly decode: Histogram<BaseLabel>;
  private readonly requestPromptTokens: Histogram<BaseLabel>;
  private readonly requestGenerationTokens: Histogram<BaseLabel>;
  private readonly iterationTokens: Histogram<BaseLabel>;
  private readonly lastTotals: Record<TotalKey, number> = { queried: 0, hits: 0, preemptions: 0 };

  constructor(options: PrometheusRecorderOptions) {
    this.labels = { model_name: options.modelName, engine: options.engineIndex ?? '0' };
    const labelNames = ['model_name', 'engine'] as const;
    const registers = [this.registry];
    const gauge = (name: string, help: string): Gauge<BaseLabel> => new Gauge({ name, help, labelNames, registers });
    const counter = (name: string, help: string): Counter<BaseLabel> => new Counter({ name: counterSampleName(name), help, labelNames, registers });
    const histogram = (name: string, help: string, buckets: readonly number[]): Histogram<BaseLabel> =>
      new Histogram({ name, help, labelNames, buckets: [...buckets], registers });
    this.running = gauge(N.numRequestsRunning, 'Number of requests in model execution batches.');
    this.waiting = gauge(N.numRequestsWaiting, 'Number of requests waiting to be processed.');
    this.kvUsage = gauge(N.kvCacheUsagePerc, 'KV-cache usage. 1 means 100 percent usage.');
    this.promptTokens = counter(N.promptTokens, 'Number of prefill tokens processed.');
    this.generationTokens = counter(N.generationTokens, 'Number of generation tokens processed.');
    this.prefixQueries = counter(N.prefixCacheQueries, 'Prefix cache queries, in terms of number of queried tokens.');
    this.prefixHits = counter(N.prefixCacheHits, 'Prefix cache hits, in terms of number of cached tokens.');
    this.preemptions = counter(N.numPreemptions, 'Cumulative number of preemption from the engine.');
    this.success = new Counter({ name: counterSampleName(N.requestSuccess), help: 'Count of successfully processed requests.', labelNames: [...labelNames, FINISHED_REASON_LABEL], registers });
    this.ttft = histogram(N.timeToFirstTokenSeconds, 'Histogram of time to first token in seconds.', TTFT_BUCKETS_S);
    this.itl = histogram(N.interTokenLatencySeconds, 'Histogram of inter-token latency in seconds.', TOKEN_LATENCY_BUCKETS_S);
    this.tpot = histogram(N.requestTimePerOutputTokenSeconds, 'Histogram of time_per_output_token_seconds per request.', TOKEN_LATENCY_BUCKETS_S);
    this.e2e = histogram(N.e2eRequestLatencySeconds, 'Histogram of e2e request latency in seconds.', REQUEST_LATENCY_BUCKETS_S);
    this.queue = histogram(N.requestQueueTimeSeconds, 'Histogram of time spent in WAITING phase for request.', REQUEST_LATENCY_BUCKETS_S);
    this.prefill = histogram(N.requestPrefillTimeSeconds, 'Histogram of time spent in PREFILL phase for request.', REQUEST_LATENCY_BUCKETS_S);
    this.decode = histogram(N.requestDecodeTimeSeconds, 'Histogram of time spent in DECODE phase for request.', REQUEST_LATENCY_BUCKETS_S);
    const tokenBuckets = oneTwoFiveBuckets(options.maxModelLen);
    this.requestPromptTokens = histogram(N.requestPromptTokens, 'Number of prefill tokens processed.', tokenBuckets);
    this.requestGenerationTokens = histogram(N.requestGenerationTokens, 'Number of generation tokens processed.', tokenBuckets);
    this.iterationTokens = histogram(N.iterationTokensTotal, 'Histogram of number of tokens per engine_step.', ITERATION_TOKENS_BUCKETS);
    // Counters exist from the start (at 0), as vLLM's do, so a scrape before the first request lists them.
    for (const metric of [this.promptTokens, this.generationTokens, this.prefixQueries, this.prefixHits, this.preemptions]) metric.inc(this.labels, 0);
    for (const reason of ['stop', 'length', 'abort']) this.success.inc({ ...this.labels, [FINISHED_REASON_LABEL]: reason }, 0);
    for (const metric of [this.running, this.waiting, this.kvUsage]) metric.set(this.labels, 0);
    const histograms = [this.ttft, this.itl, this.tpot, this.e2e, this.queue, this.prefill, this.decode, this.requestPromptTokens, this.requestGenerationTokens, this.iterationTokens];
    for (const metric of histograms) metric.zero(this.labels);
  }

  recordStep(numScheduledTokens: number, stats: EngineCoreStats): void {
    if (numScheduledTokens > 0) this.iterationTokens.observe(this.labels, numScheduledTokens);
    this.recordState(stats);
  }

  recordState(stats: EngineCoreStats): void {
    this.running.set(this.labels, stats.numRunning);
    this.waiting.set(this.labels, stats.numWaiting);
    this.kvUsage.set(this.labels, stats.kvCacheUsage);
    this.addDelta(this.prefixQueries, stats.prefixCacheQueriedTokens, 'queried');
    this.addDelta(this.prefixHits, stats.prefixCacheHitTokens, 'hits');
    this.addDelta(this.preemptions, stats.numPreemptions, 'preemptions');
  }

  recordTokens(count: number, latencyS: number, isFirst: boolean): void {
    this.generationTokens.inc(this.labels, count);
    if (isFirst) this.ttft.observe(this.labels, latencyS);
    else this.itl.observe(this.labels, latencyS);
  }

  recordFinished(timings: FinishedRequestTimings): void {
    this.success.inc({ ...this.labels, [FINISHED_REASON_LABEL]: timings.finishReason });
    this.e2e.observe(this.labels, timings.e2eS);
    if (timings.queuedS !== undefined) this.queue.observe(this.labels, timings.queuedS);
    if (timings.prefillS !== undefined) this.prefill.observe(this.labels, timings.prefillS);
    if (timings.decodeS !== undefined) this.decode.observe(this.labels, timings.decodeS);
    if (timings.timePerOutputTokenS !== undefined) this.tpot.observe(this.labels, timings.timePerOutputTokenS);
    if (timings.queuedS !== undefined) this.promptTokens.inc(this.labels, timings.numPromptTokens);
    this.requestPromptTokens.observe(this.labels, timings.numPromptTokens);
    this.requestGenerationTokens.observe(this.labels, timings.numGenerationTokens);
  }

  /**
   * Prompt tokens of a request that reached the device without a measured queue time (a pooling
   * request: its engine does not report when its batch started), so recordFinished did not count them.
   */
  recordPromptTokens(count: number): void {
    this.promptTokens.inc(this.labels, count);
  }

  /** Starts the counters that follow engine totals from `stats` (work done before the server, e.g. warmup, is not counted). */
  baseline(stats: EngineCoreStats): void {
    this.lastTotals.queried = stats.prefixCacheQueriedTokens;
    this.lastTotals.hits = stats.prefixCacheHitTokens;
    this.lastTotals.preemptions = stats.numPreemptions;
  }

  /** The exposition text, refreshed from `stats` first when given. */
  async scrape(stats?: EngineCoreStats): Promise<string> {
    if (stats !== undefined) this.recordState(stats);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private addDelta(counter: Counter<BaseLabel>, total: number, key: TotalKey): void {
    const delta = total - this.lastTotals[key];
    if (delta > 0) counter.inc(this.labels, delta);
    this.lastTotals[key] = total;
  }
}
