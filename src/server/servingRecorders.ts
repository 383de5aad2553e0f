import type { EngineConfig } from '../core/contracts/config.js';
import type { MetricsRecorder } from '../core/metrics/metricsRecorder.js';
import { PerfMetricLog } from './metrics/perfMetricLog.js';
import { PrometheusRecorder } from './metrics/prometheusRecorder.js';

/** The recorders every served model has, whatever its task: Prometheus, the extra ones, and the perf log when enabled. */
export function servingRecorders(config: EngineConfig, extra: readonly MetricsRecorder[] = []): { prometheus: PrometheusRecorder; recorders: MetricsRecorder[] } {
  const prometheus = new PrometheusRecorder({ modelName: config.servedModelName, maxModelLen: config.maxModelLen });
  const recorders: MetricsRecorder[] = [prometheus, ...extra];
  if (config.perfMetricLoggingEnabled) recorders.push(new PerfMetricLog(config.perfMetricLoggingDir ?? '.'));
  return { prometheus, recorders };
}
