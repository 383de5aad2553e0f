// `spyre bench serve --save-result --save-detailed` against the real server on loopback writes vLLM's result
// JSON, and `spyre sim calibrate` fits to it and to the server's vLLM-Spyre perf log.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVllmBenchResult } from '../../sim/calibrate/vllmBenchResult.js';
import { readVllmSpyrePerfLog } from '../../sim/calibrate/vllmSpyrePerfLog.js';
import { loadCalibrationProfile } from '../../sim/cost/calibrationProfile.js';
import { PERF_LOG_FILE } from '../../src/server/metrics/perfMetricLog.js';
import { REPO_ROOT } from '../support/sharedPaths.js';
import { startServerRig, type ServerRig } from './support/serverRig.js';

const run = promisify(execFile);
const SPYRE = join(REPO_ROOT, 'bin/spyre.js');
const NUM_PROMPTS = 24;
const INPUT_LEN = 40;
const OUTPUT_LEN = 8;

/** vllm bench serve's keys (vllm/benchmarks/serve.py), in its order, for --percentile-metrics ttft,tpot,itl,e2el and --metric-percentiles 50,99. */
const VLLM_KEYS = [
  'date', 'endpoint_type', 'backend', 'label', 'model_id', 'tokenizer_id', 'num_prompts', 'tp', 'request_rate', 'burstiness', 'max_concurrency',
  'duration', 'completed', 'failed', 'total_input_tokens', 'total_output_tokens', 'request_throughput', 'request_goodput', 'output_throughput',
  'total_token_throughput', 'input_lens', 'output_lens', 'start_times', 'ttfts', 'itls', 'generated_texts', 'errors', 'max_output_tokens_per_s',
  'max_concurrent_requests',
  ...['ttft', 'tpot', 'itl', 'e2el'].flatMap((metric) => ['mean', 'median', 'std', 'p50', 'p99'].map((stat) => `${stat}_${metric}_ms`)),
];

let rig: ServerRig;
let dir: string;
let perfDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spyre-bench-result-'));
  perfDir = join(dir, 'perf');
  rig = await startServerRig({ env: { VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED: '1', VLLM_SPYRE_PERF_METRIC_LOGGING_DIR: perfDir } });
  // The recorded server's config, for the fits (the rig's flags).
  writeFileSync(join(dir, 'server.scenario.json'), JSON.stringify({
    config: { max_model_len: 512, max_num_seqs: 8, max_num_batched_tokens: 128 },
    workload: { num_requests: 1, seed: 1, arrival: { process: 'poisson', rate: 1 }, prompt_len: { dist: 'uniform', min: 10, max: 20 }, output_len: { dist: 'uniform', min: 2, max: 4 } },
    cost_model: { profile: 'spyre-illustrative' },
  }));
  await run(process.execPath, [
    SPYRE, 'bench', 'serve', '--base-url', rig.baseUrl, '--num-prompts', String(NUM_PROMPTS), '--random-input-len', String(INPUT_LEN),
    '--random-output-len', String(OUTPUT_LEN), '--ignore-eos', '--request-rate', '20', '--seed', '1', '--disable-tqdm',
    '--percentile-metrics', 'ttft,tpot,itl,e2el', '--metric-percentiles', '50,99',
    '--save-result', '--save-detailed', '--result-dir', join(dir, 'results'), '--metadata', 'tp=1',
  ], { cwd: dir });
}, 120_000);
afterAll(async () => {
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

function resultPath(): string {
  const files = readdirSync(join(dir, 'results'));
  expect(files).toHaveLength(1);
  return join(dir, 'results', files[0]!);
}

describe('having run spyre bench serve --save-result --save-detailed against the real server', () => {
  it('should name the file as vLLM does: {backend}-{rate}qps-{model}-{date}.json in --result-dir', () => {
    expect(readdirSync(join(dir, 'results'))[0]).toMatch(/^openai-20\.0qps-tiny-\d{8}-\d{6}\.json$/);
  });

  it('should write exactly vLLM\'s keys in vLLM\'s order, with one entry per request in each list', () => {
    const json = JSON.parse(readFileSync(resultPath(), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(VLLM_KEYS);
    expect(json).toMatchObject({ backend: 'openai', label: null, model_id: 'tiny', num_prompts: NUM_PROMPTS, tp: '1', request_rate: 20, burstiness: 1, max_concurrency: null, completed: NUM_PROMPTS, failed: 0, request_goodput: null });
    expect(json['date']).toMatch(/^\d{8}-\d{6}$/);
    expect(json['input_lens']).toEqual(Array.from({ length: NUM_PROMPTS }, () => INPUT_LEN));
    expect(json['output_lens']).toEqual(Array.from({ length: NUM_PROMPTS }, () => OUTPUT_LEN));
    expect(json['errors']).toEqual(Array.from({ length: NUM_PROMPTS }, () => ''));
    // One gap per streamed chunk after the first; a chunk can carry two tokens when one ends mid-character.
    for (const gaps of json['itls'] as number[][]) {
      expect(gaps.length).toBeGreaterThan(0);
      expect(gaps.length).toBeLessThanOrEqual(OUTPUT_LEN - 1);
    }
    const ttfts = json['ttfts'] as number[];
    expect(Math.min(...ttfts)).toBeGreaterThan(0);
    const sortedTtftMs = ttfts.map((ttft) => ttft * 1000).sort((a, b) => a - b);
    expect(json['median_ttft_ms']).toBeCloseTo((sortedTtftMs[11]! + sortedTtftMs[12]!) / 2, 6);
    expect(json['total_output_tokens']).toBe(NUM_PROMPTS * OUTPUT_LEN);
  });

  it('should read back through spyre sim calibrate\'s reader: every request, its send time, and the metadata', () => {
    const recording = readVllmBenchResult(resultPath());
    expect(recording.requests).toHaveLength(NUM_PROMPTS);
    expect(recording.requestRateRps).toBe(20);
    expect(recording.metadata).toEqual({ tp: '1' });
    expect(recording.requests.every((request) => request.startTimeS !== undefined && request.outputLength === OUTPUT_LEN && request.meanItlS > 0)).toBe(true);
  });

  it('when spyre sim calibrate --from-bench fits to it, should write a profile with bootstrap ranges and residuals', async () => {
    const out = join(dir, 'from-bench.json');
    const { stdout } = await run(process.execPath, [SPYRE, 'sim', 'calibrate', '--from-bench', resultPath(), '--scenario', join(dir, 'server.scenario.json'), '--bootstrap', '4', '--out', out]);
    expect(stdout).toContain(`${NUM_PROMPTS} recorded requests`);
    const profile = loadCalibrationProfile(out);
    expect(profile.executor).toBe('vllm-bench');
    expect(Object.keys(profile.recording_fit?.bootstrap?.ranges ?? {}).length).toBeGreaterThan(0);
  }, 120_000);

  it('when spyre sim calibrate --from-perf-log fits to the server\'s request_metrics.jsonl, should see every request and write a profile', async () => {
    const perfLog = join(perfDir, PERF_LOG_FILE);
    expect(readVllmSpyrePerfLog(perfLog).requests).toHaveLength(NUM_PROMPTS);
    const out = join(dir, 'from-perf-log.json');
    const { stdout } = await run(process.execPath, [SPYRE, 'sim', 'calibrate', '--from-perf-log', perfLog, '--scenario', join(dir, 'server.scenario.json'), '--bootstrap', '4', '--out', out]);
    expect(stdout).toContain(`${NUM_PROMPTS} recorded requests`);
    expect(loadCalibrationProfile(out).executor).toBe('vllm-spyre-perf-log');
  }, 120_000);
});
