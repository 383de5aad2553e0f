import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineCoreStats } from '../../core/contracts/engineStats.js';
import type { FinishedRequestTimings, MetricsRecorder } from '../../core/metrics/metricsRecorder.js';
import {
  BASE_LABEL_NAMES,
  counterSampleName,
  FINISHED_REASON_LABEL,
  METRIC_TABLE,
  oneTwoFiveBuckets,
  type MetricKey,
  type MetricKeyOf,
  type MetricRow,
} from '../../core/metrics/metricNames.js';

type BaseLabel = (typeof BASE_LABEL_NAMES)[number];
type Label = BaseLabel | typeof FINISHED_REASON_LABEL;
type TotalKey = 'prefixCacheQueries' | 'prefixCacheHits' | 'numPreemptions';

export interface PrometheusRecorderOptions {
  readonly modelName: string;
  readonly maxModelLen: number;
  /** vLLM's engine index label; one engine here. */
  readonly engineIndex?: string;
}

/** The prom-client metrics of the table, by key, each registered in `registry`. */
interface RegisteredMetrics {
  readonly gauges: Record<MetricKeyOf<'gauge'>, Gauge<Label>>;
  readonly counters: Record<MetricKeyOf<'counter'>, Counter<Label>>;
  readonly histograms: Record<MetricKeyOf<'histogram'>, Histogram<Label>>;
}

/** One registration per row of METRIC_TABLE, in the table's order (the order of the exposition text). */
function registerTable(registry: Registry, maxModelLen: number): RegisteredMetrics {
  const registers = [registry];
  const gauges: Record<string, Gauge<Label>> = {};
  const counters: Record<string, Counter<Label>> = {};
  const histograms: Record<string, Histogram<Label>> = {};
  for (const [key, row] of Object.entries(METRIC_TABLE) as [MetricKey, MetricRow][]) {
    if (row.kind === 'histogram') {
      const buckets = row.buckets === 'tokens per request' ? oneTwoFiveBuckets(maxModelLen) : [...row.buckets];
      histograms[key] = new Histogram({ name: row.name, help: row.help, labelNames: BASE_LABEL_NAMES, buckets, registers });
      continue;
    }
    const labelNames = row.extraLabel === undefined ? BASE_LABEL_NAMES : [...BASE_LABEL_NAMES, row.extraLabel];
    if (row.kind === 'gauge') gauges[key] = new Gauge({ name: row.name, help: row.help, labelNames, registers });
    else counters[key] = new Counter({ name: counterSampleName(row.name), help: row.help, labelNames, registers });
  }
  return { gauges, counters, histograms } as RegisteredMetrics;
}

/**
 * SPEC §4's metrics in a prom-client registry of their own (so that several servers in one process, as
 * in tests, do not share counters), registered from METRIC_TABLE. Counters follow cumulative engine totals
 * by adding the difference.
 */
export class PrometheusRecorder implements MetricsRecorder {
  readonly registry = new Registry();
  private readonly labels: Record<BaseLabel, string>;
  private readonly gauges: RegisteredMetrics['gauges'];
  private readonly counters: RegisteredMetrics['counters'];
  private readonly histograms: RegisteredMetrics['histograms'];
  private readonly lastTotals: Record<TotalKey, number> = { prefixCacheQueries: 0, prefixCacheHits: 0, numPreemptions: 0 };

  constructor(options: PrometheusRecorderOptions) {
    this.labels = { model_name: options.modelName, engine: options.engineIndex ?? '0' };
    ({ gauges: this.gauges, counters: this.counters, histograms: this.histograms } = registerTable(this.registry, options.maxModelLen));
    // Counters exist from the start (at 0), as vLLM's do, so a scrape before the first request lists them.
    const { requestSuccess, ...counters } = this.counters;
    for (const metric of Object.values(counters)) metric.inc(this.labels, 0);
    for (const reason of ['stop', 'length', 'abort']) requestSuccess.inc({ ...this.labels, [FINISHED_REASON_LABEL]: reason }, 0);
    for (const metric of Object.values(this.gauges)) metric.set(this.labels, 0);
    for (const metric of Object.values(this.histograms)) metric.zero(this.labels);
  }

  recordStep(numScheduledTokens: number, stats: EngineCoreStats): void {
    if (numScheduledTokens > 0) this.histograms.iterationTokensTotal.observe(this.labels, numScheduledTokens);
    this.recordState(stats);
  }

  recordState(stats: EngineCoreStats): void {
    this.gauges.numRequestsRunning.set(this.labels, stats.numRunning);
    this.gauges.numRequestsWaiting.set(this.labels, stats.numWaiting);
    this.gauges.kvCacheUsagePerc.set(this.labels, stats.kvCacheUsage);
    this.addDelta('prefixCacheQueries', stats.prefixCacheQueriedTokens);
    this.addDelta('prefixCacheHits', stats.prefixCacheHitTokens);
    this.addDelta('numPreemptions', stats.numPreemptions);
  }

  recordTokens(count: number, latencyS: number, isFirst: boolean): void {
    this.counters.generationTokens.inc(this.labels, count);
    this.histograms[isFirst ? 'timeToFirstTokenSeconds' : 'interTokenLatencySeconds'].observe(this.labels, latencyS);
  }

  recordFinished(timings: FinishedRequestTimings): void {
    const h = this.histograms;
    this.counters.requestSuccess.inc({ ...this.labels, [FINISHED_REASON_LABEL]: timings.finishReason });
    h.e2eRequestLatencySeconds.observe(this.labels, timings.e2eS);
    if (timings.queuedS !== undefined) h.requestQueueTimeSeconds.observe(this.labels, timings.queuedS);
    if (timings.prefillS !== undefined) h.requestPrefillTimeSeconds.observe(this.labels, timings.prefillS);
    if (timings.decodeS !== undefined) h.requestDecodeTimeSeconds.observe(this.labels, timings.decodeS);
    if (timings.timePerOutputTokenS !== undefined) h.requestTimePerOutputTokenSeconds.observe(this.labels, timings.timePerOutputTokenS);
    if (timings.queuedS !== undefined) this.counters.promptTokens.inc(this.labels, timings.numPromptTokens);
    h.requestPromptTokens.observe(this.labels, timings.numPromptTokens);
    h.requestGenerationTokens.observe(this.labels, timings.numGenerationTokens);
  }

  /**
   * Prompt tokens of a request that reached the device without a measured queue time (a pooling
   * request: its engine does not report when its batch started), so recordFinished did not count them.
   */
  recordPromptTokens(count: number): void {
    this.counters.promptTokens.inc(this.labels, count);
  }

  /** Starts the counters that follow engine totals from `stats` (work done before the server, e.g. warmup, is not counted). */
  baseline(stats: EngineCoreStats): void {
    this.lastTotals.prefixCacheQueries = stats.prefixCacheQueriedTokens;
    this.lastTotals.prefixCacheHits = stats.prefixCacheHitTokens;
    this.lastTotals.numPreemptions = stats.numPreemptions;
  }

  /** The exposition text, refreshed from `stats` first when given. */
  async scrape(stats?: EngineCoreStats): Promise<string> {
    if (stats !== undefined) this.recordState(stats);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private addDelta(key: TotalKey, total: number): void {
    const delta = total - this.lastTotals[key];
    if (delta > 0) this.counters[key].inc(this.labels, delta);
    this.lastTotals[key] = total;
  }
}
