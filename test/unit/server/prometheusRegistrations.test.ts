import { describe, expect, it } from 'vitest';
import { counterSampleName, METRIC_NAMES, METRIC_TABLE, oneTwoFiveBuckets, type MetricRow } from '../../../src/core/metrics/metricNames.js';
import { PrometheusRecorder } from '../../../src/server/metrics/prometheusRecorder.js';

describe('having the metric table', () => {
  const rows = Object.entries(METRIC_TABLE) as [keyof typeof METRIC_TABLE, MetricRow][];

  describe('when a PrometheusRecorder is built from it', () => {
    it('should register every row, in table order, under its name with its help text and kind', async () => {
      const text = await new PrometheusRecorder({ modelName: 'm', maxModelLen: 512 }).scrape();
      const helpLines = text.split('\n').filter((line) => line.startsWith('# HELP '));
      const expected = rows.map(([, row]) => `# HELP ${row.kind === 'counter' ? counterSampleName(row.name) : row.name} ${row.help}`);
      expect(helpLines).toEqual(expected);
      for (const [, row] of rows) {
        const sampleName = row.kind === 'counter' ? counterSampleName(row.name) : row.name;
        expect(text).toContain(`# TYPE ${sampleName} ${row.kind}`);
      }
    });

    it("should give the per-request token histograms vLLM's 1-2-5 buckets up to max_model_len and the others the table's buckets", async () => {
      const text = await new PrometheusRecorder({ modelName: 'm', maxModelLen: 512 }).scrape();
      const bucketsOf = (name: string): number[] =>
        [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"`, 'gm'))].map((match) => Number(match[1])).filter((le) => Number.isFinite(le));
      expect(bucketsOf(METRIC_NAMES.requestPromptTokens)).toEqual(oneTwoFiveBuckets(512));
      expect(bucketsOf(METRIC_NAMES.timeToFirstTokenSeconds)).toEqual([...METRIC_TABLE.timeToFirstTokenSeconds.buckets]);
    });
  });

  it("should keep vLLM's names: every name is vllm:-prefixed and unique", () => {
    const names = rows.map(([, row]) => row.name);
    expect(names.every((name) => name.startsWith('vllm:'))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(METRIC_NAMES.iterationTokensTotal).toBe('vllm:iteration_tokens_total');
  });
});
