import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVllmSpyrePerfLog } from '../../../sim/calibrate/vllmSpyrePerfLog.js';
import { PerfMetricLog } from '../../../src/server/metrics/perfMetricLog.js';

/** One line as vLLM-Spyre's FileStatLogger writes it (vllm_spyre/v1/metrics/stats_logger.py), keys in its order. */
function vllmSpyreLine(fields: { timestamp: string; e2e: number; queued: number; prefill: number; decode: number; prompt: number; generated: number }): string {
  return JSON.stringify({
    timestamp: fields.timestamp, prefill_interrupt_seconds: 0, decode_only_itl_seconds: fields.generated > 1 ? fields.decode / (fields.generated - 1) : fields.decode,
    finish_reason: 1, e2e_latency_seconds: fields.e2e, num_prompt_tokens: fields.prompt, num_generation_tokens: fields.generated, max_tokens_param: fields.generated,
    queued_time_seconds: fields.queued, prefill_time_seconds: fields.prefill, inference_time_seconds: fields.prefill + fields.decode, decode_time_seconds: fields.decode,
    mean_time_per_output_token_seconds: fields.generated > 1 ? fields.decode / (fields.generated - 1) : 0,
  });
}

const LOG = [
  vllmSpyreLine({ timestamp: '2025-10-09T14:03:27.512', e2e: 1.25, queued: 0.01, prefill: 0.2, decode: 1.0, prompt: 300, generated: 21 }),
  vllmSpyreLine({ timestamp: '2025-10-09T14:03:28.012', e2e: 0.5, queued: 0.0, prefill: 0.1, decode: 0.39, prompt: 64, generated: 14 }),
  vllmSpyreLine({ timestamp: '2025-10-09T14:03:28.100', e2e: 0.3, queued: 0.3, prefill: 0, decode: 0, prompt: 64, generated: 0 }),
  '',
].join('\n');

describe('having a request_metrics.jsonl in vLLM-Spyre\'s format', () => {
  const recording = parseVllmSpyrePerfLog(LOG, 'request_metrics.jsonl');

  it('should rebuild each arrival at the engine as the line\'s timestamp less e2e_latency_seconds, from the first', () => {
    // Arrivals 14:03:26.262 and 14:03:27.512.
    expect(recording.requests.map((request) => request.startTimeS)).toEqual([0, expect.closeTo(1.25, 9)]);
  });

  it('should take TTFT as e2e less decode time and the mean ITL as decode time per gap, skipping a request with no token', () => {
    expect(recording.requests).toHaveLength(2);
    expect(recording.requests[0]).toMatchObject({ inputLength: 300, outputLength: 21, ttftS: expect.closeTo(0.25, 9), meanItlS: expect.closeTo(0.05, 9), itlsS: [] });
    expect(recording.requests[1]!.ttftS).toBeCloseTo(0.11, 9);
    expect(recording.itlsPerToken).toBe(false);
  });

  it('when a timestamp carries a zone, should honour it', () => {
    const zoned = parseVllmSpyrePerfLog([
      vllmSpyreLine({ timestamp: '2025-10-09T14:00:01.000+02:00', e2e: 1, queued: 0, prefill: 0.1, decode: 0.5, prompt: 10, generated: 3 }),
      vllmSpyreLine({ timestamp: '2025-10-09T12:00:01.000Z', e2e: 0.5, queued: 0, prefill: 0.1, decode: 0.2, prompt: 10, generated: 3 }),
    ].join('\n'), 'zoned.jsonl');
    expect(zoned.requests.map((request) => request.startTimeS)).toEqual([0, 0.5]);
  });
});

describe('having a perf log that lacks what the fit needs', () => {
  const line = (overrides: Record<string, unknown>, drop?: string): string => {
    const record = { ...JSON.parse(vllmSpyreLine({ timestamp: '2025-10-09T14:03:27.512', e2e: 1, queued: 0, prefill: 0.1, decode: 0.5, prompt: 10, generated: 3 })) as Record<string, unknown>, ...overrides };
    if (drop !== undefined) delete record[drop];
    return JSON.stringify(record);
  };

  for (const field of ['e2e_latency_seconds', 'decode_time_seconds', 'num_prompt_tokens', 'num_generation_tokens', 'timestamp']) {
    it(`when line 2 has no ${field}, should name the field and the line`, () => {
      expect(() => parseVllmSpyrePerfLog([line({}), line({}, field)].join('\n'), 'perf.jsonl')).toThrow(`perf.jsonl line 2: ${field} is missing; a fit needs the request_metrics.jsonl that vLLM-Spyre writes with VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED=1`);
    });
  }

  it('when a line is not JSON, when a time is negative or decode exceeds e2e, should say which line and why', () => {
    expect(() => parseVllmSpyrePerfLog('{"timestamp":', 'perf.jsonl')).toThrow(/perf\.jsonl line 1: the line is not JSON/);
    expect(() => parseVllmSpyrePerfLog(line({ e2e_latency_seconds: -1 }), 'perf.jsonl')).toThrow('perf.jsonl line 1: e2e_latency_seconds must be a non-negative number');
    expect(() => parseVllmSpyrePerfLog(line({ decode_time_seconds: 2 }), 'perf.jsonl')).toThrow('perf.jsonl line 1: decode_time_seconds (2) exceeds e2e_latency_seconds (1)');
    expect(() => parseVllmSpyrePerfLog(line({ timestamp: 'yesterday' }), 'perf.jsonl')).toThrow("perf.jsonl line 1: timestamp 'yesterday' is not an ISO date-time");
  });

  it('when no line has a generated token, should say the log holds no answered request', () => {
    expect(() => parseVllmSpyrePerfLog(line({ num_generation_tokens: 0 }), 'perf.jsonl')).toThrow('perf.jsonl: no request with a generated token (1 lines)');
  });
});

describe('having the perf log this project\'s server writes (PerfMetricLog)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spyre-perf-format-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should read back as vLLM-Spyre\'s format: the same lengths, TTFT and mean ITL', () => {
    const log = new PerfMetricLog(dir);
    log.recordFinished({
      requestId: 'cmpl-1', finishReason: 'length', numPromptTokens: 40, numGenerationTokens: 5, e2eS: 0.9, queuedS: 0.1, prefillS: 0.2,
      decodeS: 0.6, timePerOutputTokenS: 0.15, prefillInterruptS: 0, decodeOnlyItlS: 0.15,
    });
    const recording = parseVllmSpyrePerfLog(readFileSync(log.path, 'utf8'), log.path);
    expect(recording.requests).toEqual([{ inputLength: 40, outputLength: 5, startTimeS: 0, ttftS: expect.closeTo(0.3, 9), itlsS: [], meanItlS: expect.closeTo(0.15, 9) }]);
  });
});
