import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedWorkload } from '../../../sim/calibrate/recordedWorkload.js';
import { parseVllmBenchResult, readVllmBenchResult } from '../../../sim/calibrate/vllmBenchResult.js';

/** A result in the layout `vllm bench serve --save-result --save-detailed --metadata tp=4` writes. */
function vllmResult(): Record<string, unknown> {
  return {
    date: '20261203-101500', backend: 'vllm', label: null, model_id: 'ibm-granite/granite-3.3-8b-instruct',
    tokenizer_id: 'ibm-granite/granite-3.3-8b-instruct', num_prompts: 3, request_rate: 'inf', burstiness: 1.0,
    max_concurrency: null, tp: '4', duration: 2.5, completed: 2, failed: 1, total_input_tokens: 300,
    total_output_tokens: 7, request_throughput: 0.8, request_goodput: null, output_throughput: 2.8,
    total_token_throughput: 122.8, mean_ttft_ms: 150, median_ttft_ms: 150, std_ttft_ms: 50, p99_ttft_ms: 199,
    mean_itl_ms: 30, 'p99.9_itl_ms': 40,
    input_lens: [100, 200, 50], output_lens: [4, 3, 0], start_times: [10.5, 10.0, 10.1],
    ttfts: [0.1, 0.2, 0], itls: [[0.03, 0.03, 0.03], [0.03, 0.03], []],
    generated_texts: ['a b c d', 'e f g', ''], errors: ['', '', 'Bad Request'],
  };
}

function without(field: string): Record<string, unknown> {
  const json = vllmResult();
  delete json[field];
  return json;
}

describe('having a vLLM bench serve result saved with --save-detailed', () => {
  it('should read each successful request with its lengths, start time from the first, TTFT and ITLs', () => {
    const result = parseVllmBenchResult(vllmResult(), 'result.json');
    expect(result.requests.map((request) => [request.inputLength, request.outputLength, request.ttftS, request.itlsS.length])).toEqual([
      [100, 4, 0.1, 3],
      [200, 3, 0.2, 2],
    ]);
    expect(result.requests[0]!.startTimeS).toBeCloseTo(0.5, 9);
    expect(result.requests[1]!.startTimeS).toBe(0);
  });

  it('should read "inf" as an infinite rate and keep --metadata pairs, not vLLM\'s own keys', () => {
    const result = parseVllmBenchResult(vllmResult(), 'result.json');
    expect(result.requestRateRps).toBe(Infinity);
    expect(result.maxConcurrency).toBeUndefined();
    expect(result.metadata).toEqual({ tp: '4' });
  });

  it('should read a finite rate and a file without start_times', () => {
    const result = parseVllmBenchResult({ ...without('start_times'), request_rate: 4, max_concurrency: 8 }, 'result.json');
    expect(result.requestRateRps).toBe(4);
    expect(result.maxConcurrency).toBe(8);
    expect(result.requests[0]!.startTimeS).toBeUndefined();
  });

  it('should read the file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spyre-vllm-result-'));
    writeFileSync(join(dir, 'result.json'), JSON.stringify(vllmResult()));
    expect(readVllmBenchResult(join(dir, 'result.json')).requests).toHaveLength(2);
  });
});

describe('having a result that lacks what a fit needs', () => {
  for (const field of ['input_lens', 'output_lens', 'ttfts', 'itls', 'request_rate', 'duration']) {
    it(`when ${field} is missing, should reject the file naming ${field}`, () => {
      expect(() => parseVllmBenchResult(without(field), 'result.json')).toThrow(new RegExp(`result\\.json: ${field} is missing`));
    });
  }

  it('when a list is shorter than input_lens, should say which and by how much', () => {
    expect(() => parseVllmBenchResult({ ...vllmResult(), ttfts: [0.1] }, 'result.json')).toThrow('ttfts has 1 entries, input_lens has 3');
  });

  it('when one request\'s ITLs are not numbers, should name that entry', () => {
    expect(() => parseVllmBenchResult({ ...vllmResult(), itls: [[0.1], ['x'], []] }, 'result.json')).toThrow('itls[1] must be a list');
  });

  it('when every request failed, should say so', () => {
    expect(() => parseVllmBenchResult({ ...vllmResult(), errors: ['e', 'e', 'e'] }, 'result.json')).toThrow('errors marks every request failed');
  });

  it('when the file is not JSON, should say it cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spyre-vllm-result-'));
    writeFileSync(join(dir, 'result.json'), '{');
    expect(() => readVllmBenchResult(join(dir, 'result.json'))).toThrow(/cannot read a vLLM benchmark result/);
  });
});

describe('having a recorded result rebuilt as a simulator workload', () => {
  it('should send each request when the client did, for exactly its recorded output length', () => {
    const workload = recordedWorkload(parseVllmBenchResult(vllmResult(), 'result.json'));
    expect(workload.requests.map((request) => [request.arrivalTimeS, request.promptLength, request.maxTokens, request.minTokens, request.ignoreEos])).toEqual([
      [0, 200, 3, 3, true],
      [expect.closeTo(0.5, 9), 100, 4, 4, true],
    ]);
    expect(workload.closedLoopConcurrency).toBeUndefined();
  });

  it('when the file has no start_times, should space the requests at the recorded rate', () => {
    const workload = recordedWorkload(parseVllmBenchResult({ ...without('start_times'), request_rate: 4 }, 'result.json'));
    expect(workload.requests.map((request) => request.arrivalTimeS)).toEqual([0, 0.25]);
  });

  it('when every request was sent at once under max_concurrency, should run a closed loop of that many', () => {
    const workload = recordedWorkload(parseVllmBenchResult({ ...without('start_times'), max_concurrency: 2 }, 'result.json'));
    expect(workload.closedLoopConcurrency).toBe(2);
  });
});
