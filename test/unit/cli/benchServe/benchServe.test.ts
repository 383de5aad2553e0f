import { describe, expect, it } from 'vitest';
import { arrivalGapsS } from '../../../../src/cli/commands/benchServe/arrivals.js';
import { computeBenchMetrics, percentile } from '../../../../src/cli/commands/benchServe/benchMetrics.js';
import { formatBenchTable } from '../../../../src/cli/commands/benchServe/benchReport.js';
import { buildDataset, type DatasetOptions } from '../../../../src/cli/commands/benchServe/dataset.js';
import { vllmResultFileName, vllmResultJson } from '../../../../src/cli/commands/benchServe/vllmResultJson.js';

const DATASET: DatasetOptions = {
  name: 'random', numPrompts: 40, inputLen: 100, outputLen: 20, rangeRatio: 0, prefixLen: 64, numPrefixGroups: 3, firstTokenId: 10, vocabSpan: 246, seed: 7,
};

describe('having the bench serve dataset builder', () => {
  it('when the range ratio is 0, should give exactly the requested lengths with ids in the span', () => {
    const requests = buildDataset(DATASET);
    expect(requests).toHaveLength(40);
    for (const request of requests) {
      expect(request.promptIds).toHaveLength(100);
      expect(request.outputLen).toBe(20);
      expect(request.promptIds.every((id) => id >= 10 && id < 256)).toBe(true);
    }
  });

  it('when the dataset is shared-prefix, should start each prompt with one of the groups prefixes', () => {
    const requests = buildDataset({ ...DATASET, name: 'shared-prefix' });
    const prefixes = new Set(requests.map((request) => request.promptIds.slice(0, 64).join(',')));
    expect(prefixes.size).toBe(3);
    expect(requests[0]?.promptIds).toHaveLength(164);
    expect(requests[0]?.promptIds.slice(0, 64)).toEqual(requests[3]?.promptIds.slice(0, 64));
  });

  it('when built twice with the same seed, should give the same prompts', () => {
    expect(buildDataset(DATASET)).toEqual(buildDataset(DATASET));
    expect(buildDataset({ ...DATASET, seed: 8 })).not.toEqual(buildDataset(DATASET));
  });
});

describe('having the arrival process', () => {
  it('when the rate is infinite, should send everything at once', () => {
    expect(arrivalGapsS(5, Number.POSITIVE_INFINITY, 1, 0)).toEqual([0, 0, 0, 0, 0]);
  });

  for (const burstiness of [0.5, 1, 4]) {
    it(`when the rate is 10/s with burstiness ${burstiness}, should have gaps averaging 0.1 s with variance 1/(b·rate²)`, () => {
      const gaps = arrivalGapsS(20_000, 10, burstiness, 3);
      const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
      const variance = gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length;
      expect(mean).toBeCloseTo(0.1, 2);
      expect(variance / (1 / (burstiness * 100))).toBeGreaterThan(0.9);
      expect(variance / (1 / (burstiness * 100))).toBeLessThan(1.1);
    });
  }
});

describe('having the bench metrics', () => {
  it('when taking percentiles, should interpolate as numpy does', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([0, 10], 99)).toBeCloseTo(9.9, 10);
  });

  it('when two requests succeeded and one failed, should count tokens, throughput and TPOT of the successes only', () => {
    const metrics = computeBenchMetrics(
      [
        { success: true, sentAtS: 0, generatedText: 'abcde', promptLen: 10, outputTokens: 5, ttftS: 0.1, itlS: [0.1, 0.1, 0.1, 0.1], latencyS: 0.5 },
        { success: true, sentAtS: 0.2, generatedText: 'abc', promptLen: 30, outputTokens: 3, ttftS: 0.3, itlS: [0.2, 0.2], latencyS: 0.7 },
        { success: false, error: 'HTTP 400', sentAtS: 0.3, generatedText: '', promptLen: 99, outputTokens: 0, ttftS: 0, itlS: [], latencyS: 0.01 },
      ],
      2,
    );
    expect(metrics).toMatchObject({ completed: 2, failed: 1, totalInputTokens: 40, totalOutputTokens: 8, requestThroughput: 1, outputThroughput: 4, totalTokenThroughput: 24 });
    expect(metrics.tpotMs.mean).toBeCloseTo(150, 6);
    expect(metrics.ttftMs.median).toBeCloseTo(200, 6);
    expect(metrics.itlMs.mean).toBeCloseTo((0.4 + 0.4) / 6 * 1000, 6);
    const table = formatBenchTable(metrics, 4, Number.POSITIVE_INFINITY);
    // vLLM's layout: the label left-aligned in 40 columns, a space, the value.
    const lines = table.split('\n');
    expect(lines).toContain(`${'Successful requests:'.padEnd(40)} 2`);
    expect(lines).toContain(`${'Request rate configured (RPS):'.padEnd(40)} inf`);
    expect(lines).toContain(`${'Mean TPOT (ms):'.padEnd(40)} 150.00`);
    expect(lines[0]).toBe('============ Serving Benchmark Result ============');
  });
});

describe('having the result JSON in vllm bench serve\'s format', () => {
  const outcomes = [
    { success: true, sentAtS: 10, generatedText: 'abcde', promptLen: 10, outputTokens: 5, ttftS: 0.1, itlS: [0.1, 0.1, 0.1, 0.1], latencyS: 0.5 },
    { success: true, sentAtS: 10.2, generatedText: 'abc', promptLen: 30, outputTokens: 3, ttftS: 0.3, itlS: [0.2, 0.2], latencyS: 0.7 },
    { success: false, error: 'HTTP 400', sentAtS: 11.5, generatedText: '', promptLen: 99, outputTokens: 0, ttftS: 0, itlS: [], latencyS: 0.01 },
  ];
  const metrics = computeBenchMetrics(outcomes, 2);
  const run = {
    backend: 'openai', label: null, modelId: 'ibm-granite/granite-3.3-8b-instruct', tokenizerId: 'ibm-granite/granite-3.3-8b-instruct', numPrompts: 3,
    metadata: { tp: '4' }, requestRate: 4, burstiness: 1, maxConcurrency: 8, percentileMetrics: ['ttft', 'itl'] as const, metricPercentiles: [50, 99.9],
    saveDetailed: true, date: '20261204-020000',
  };

  it('should name the file {backend}-{rate as Python prints it}qps-concurrency{n}-{last part of the model}-{date}.json', () => {
    expect(vllmResultFileName(run)).toBe('openai-4.0qps-concurrency8-granite-3.3-8b-instruct-20261204-020000.json');
    expect(vllmResultFileName({ ...run, requestRate: Number.POSITIVE_INFINITY, maxConcurrency: undefined, label: 'spyre' })).toBe('spyre-infqps-granite-3.3-8b-instruct-20261204-020000.json');
  });

  it('with --save-detailed, should keep one entry per request, a failed one with TTFT 0, no ITLs, length 0 and its error', () => {
    const json = vllmResultJson(run, metrics, outcomes, 10);
    expect(json).toMatchObject({
      tp: '4', max_concurrency: 8, input_lens: [10, 30, 99], output_lens: [5, 3, 0], ttfts: [0.1, 0.3, 0], itls: [[0.1, 0.1, 0.1, 0.1], [0.2, 0.2], []],
      generated_texts: ['abcde', 'abc', ''], errors: ['', '', 'HTTP 400'],
    });
    expect(json['start_times']).toEqual([0, expect.closeTo(0.2, 9), expect.closeTo(1.5, 9)]);
    expect(Object.keys(json).filter((key) => key.endsWith('_ms'))).toEqual([
      'mean_ttft_ms', 'median_ttft_ms', 'std_ttft_ms', 'p50_ttft_ms', 'p99.9_ttft_ms', 'mean_itl_ms', 'median_itl_ms', 'std_itl_ms', 'p50_itl_ms', 'p99.9_itl_ms',
    ]);
    expect(json['std_ttft_ms']).toBeCloseTo(100, 6);
  });

  it('should give vLLM\'s peaks: the most output tokens in one second from the first send, and the most requests in flight then', () => {
    // Tokens at 10.1, 10.2, 10.3, 10.4, 10.5 and 10.5, 10.7, 10.9: all eight in the first second; both requests in flight in it.
    expect(vllmResultJson(run, metrics, outcomes, 10)).toMatchObject({ max_output_tokens_per_s: 8, max_concurrent_requests: 2 });
  });

  it('without --save-detailed, should leave the per-request lists out', () => {
    const json = vllmResultJson({ ...run, saveDetailed: false }, metrics, outcomes, 10);
    for (const key of ['input_lens', 'output_lens', 'start_times', 'ttfts', 'itls', 'generated_texts', 'errors']) expect(json, key).not.toHaveProperty(key);
    expect(json).toMatchObject({ completed: 2, failed: 1, request_rate: 4, request_goodput: null });
  });
});
