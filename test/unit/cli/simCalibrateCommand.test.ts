import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCalibrationProfile } from '../../../sim/cost/calibrationProfile.js';
import { REPO_ROOT } from '../../support/sharedPaths.js';

const SPYRE = join(REPO_ROOT, 'bin/spyre.js');
const WORKLOAD = join(REPO_ROOT, 'sim/examples/calibration/sparse.scenario.json');
const LONG_CONTEXT = join(REPO_ROOT, 'sim/examples/chat-poisson.scenario.json');

/** Runs `spyre sim calibrate …`, expecting it to fail; gives its exit code and stderr. */
function failure(args: string[]): { status: number; stderr: string } {
  try {
    execFileSync(process.execPath, [SPYRE, 'sim', 'calibrate', '--out', '/nonexistent-dir/profile.json', ...args], { encoding: 'utf8', cwd: '/', stdio: 'pipe' });
  } catch (error) {
    const failed = error as { status: number; stderr: string };
    return { status: failed.status, stderr: String(failed.stderr) };
  }
  throw new Error('expected the command to fail');
}

describe('having spyre sim calibrate with --workload (a calibration from real runs)', () => {
  it('when grid flags are given too, should name the conflicting flags and say what to drop, before loading a model', () => {
    const { status, stderr } = failure(['--executor', 'eager', '--model', '/nonexistent-model-dir', '--workload', WORKLOAD, '--chunk-sizes', '64', '--repeats', '3']);
    expect(status).toBe(2);
    expect(stderr).toContain('--workload and --chunk-sizes, --repeats conflict');
    expect(stderr).toMatch(/Drop those flags, or drop --workload/);
    expect(stderr).not.toContain('nonexistent-model-dir');
  });

  it('when no --model is given, should ask for one', () => {
    const { status, stderr } = failure(['--executor', 'eager', '--workload', WORKLOAD]);
    expect(status).toBe(2);
    expect(stderr).toContain('--workload runs the real engine: it needs --model DIR');
  });

  it('when the executor is not eager, should ask for --executor eager', () => {
    const { status, stderr } = failure(['--model', '/nonexistent-model-dir', '--workload', WORKLOAD]);
    expect(status).toBe(2);
    expect(stderr).toContain("it needs --executor eager (got 'synthetic')");
  });

  it('when a workload file does not exist, should name it before loading a model', () => {
    const { status, stderr } = failure(['--executor', 'eager', '--model', '/nonexistent-model-dir', '--workload', '/nonexistent/workload.json']);
    expect(status).toBe(2);
    expect(stderr).toContain('/nonexistent/workload.json');
    expect(stderr).not.toContain('nonexistent-model-dir');
  });
});

describe('having spyre sim calibrate --from-bench (a vLLM bench serve result)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spyre-from-bench-'));
  const numRequests = 12;
  const result = {
    date: '20261203-101500', backend: 'vllm', label: null, model_id: 'm', tokenizer_id: 'm', num_prompts: numRequests,
    request_rate: 8, burstiness: 1.0, max_concurrency: null, duration: 3, completed: numRequests, failed: 0,
    input_lens: Array.from({ length: numRequests }, (_, index) => 100 + 20 * index),
    output_lens: Array.from({ length: numRequests }, () => 6),
    start_times: Array.from({ length: numRequests }, (_, index) => index / 8),
    ttfts: Array.from({ length: numRequests }, (_, index) => 0.05 + 0.002 * index),
    itls: Array.from({ length: numRequests }, () => [0.02, 0.021, 0.02, 0.022, 0.02]),
    generated_texts: Array.from({ length: numRequests }, () => 'a b c d e f'),
    errors: Array.from({ length: numRequests }, () => ''),
  };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result));
  const { ttfts: _dropped, ...withoutTtfts } = result;
  writeFileSync(join(dir, 'no-ttfts.json'), JSON.stringify(withoutTtfts));

  it('should fit by inverse simulation and write a profile the simulator loads', () => {
    const out = join(dir, 'profile.json');
    const stdout = execFileSync(process.execPath, [SPYRE, 'sim', 'calibrate', '--out', out, '--from-bench', join(dir, 'result.json'), '--scenario', LONG_CONTEXT], { encoding: 'utf8', cwd: '/', stdio: 'pipe' });
    expect(stdout).toContain(`${numRequests} recorded requests`);
    const profile = loadCalibrationProfile(out);
    expect(profile.executor).toBe('vllm-bench');
    expect(profile.fit.num_samples).toBe(2 * numRequests);
    expect(profile.linear.fixed_s).toBeGreaterThan(0);
    expect(stdout).toContain('bootstrap 5–95% over 20 resamples of the requests (seed 1)');
    expect(stdout).toMatch(/TTFT p99 +recorded [\d.]+ ms, simulated [\d.]+ ms/);
    const ranges = profile.recording_fit?.bootstrap?.ranges ?? {};
    expect(Object.keys(ranges).length).toBeGreaterThan(0);
    for (const range of Object.values(ranges)) expect(range.p5).toBeLessThanOrEqual(range.p95);
    expect(Object.keys(profile.recording_fit?.figures ?? {})).toEqual(['ttftP50', 'ttftP99', 'itlMean', 'itlP50']);
  });

  it('when the result lacks ttfts, should reject it naming the field', () => {
    const { status, stderr } = failure(['--from-bench', join(dir, 'no-ttfts.json'), '--scenario', LONG_CONTEXT]);
    expect(status).not.toBe(0);
    expect(stderr).toContain('ttfts is missing (was --save-detailed given?)');
  });

  it('when the scenario\'s max_model_len is shorter than a recorded request, should say which and ask for the server\'s config', () => {
    const { status, stderr } = failure(['--from-bench', join(dir, 'result.json'), '--scenario', WORKLOAD]);
    expect(status).toBe(2);
    expect(stderr).toContain('recorded request 8 has 260 input and 6 output tokens, more than max_model_len 256');
  });

  it('when no --scenario is given, should ask for the server config', () => {
    const { status, stderr } = failure(['--from-bench', join(dir, 'result.json')]);
    expect(status).toBe(2);
    expect(stderr).toContain('--from-bench needs --scenario FILE');
  });
});

describe('having spyre sim calibrate --from-perf-log (vLLM-Spyre\'s request_metrics.jsonl)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spyre-from-perf-log-'));
  const numRequests = 12;
  // Lines as vLLM-Spyre's FileStatLogger writes them, one per finished request, in the order they finished.
  const lines = Array.from({ length: numRequests }, (_, index) => {
    const arrivalMs = 1_000 + 125 * index;
    const e2e = 0.15 + 0.002 * index;
    const decode = 0.1;
    const end = new Date(Date.UTC(2025, 9, 9, 14, 3, 0, 0) + arrivalMs + e2e * 1000).toISOString().slice(0, 23);
    return JSON.stringify({
      timestamp: end, prefill_interrupt_seconds: 0, decode_only_itl_seconds: decode / 5, finish_reason: 1, e2e_latency_seconds: e2e,
      num_prompt_tokens: 100 + 20 * index, num_generation_tokens: 6, max_tokens_param: 6, queued_time_seconds: 0.001,
      prefill_time_seconds: e2e - decode - 0.001, inference_time_seconds: e2e - 0.001, decode_time_seconds: decode, mean_time_per_output_token_seconds: decode / 5,
    });
  });
  writeFileSync(join(dir, 'request_metrics.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'no-decode.jsonl'), [lines[0], JSON.stringify({ ...JSON.parse(lines[1]!) as object, decode_time_seconds: undefined })].join('\n') + '\n');

  it('should fit by inverse simulation from the arrivals at the engine and write a profile the simulator loads', () => {
    const out = join(dir, 'profile.json');
    const stdout = execFileSync(process.execPath, [SPYRE, 'sim', 'calibrate', '--out', out, '--from-perf-log', join(dir, 'request_metrics.jsonl'), '--scenario', LONG_CONTEXT, '--bootstrap', '4'], { encoding: 'utf8', cwd: '/', stdio: 'pipe' });
    expect(stdout).toContain(`${numRequests} recorded requests`);
    expect(stdout).toContain('bootstrap 5–95% over 4 resamples');
    expect(stdout).toContain('times in the file count from each arrival at the engine');
    const profile = loadCalibrationProfile(out);
    expect(profile.executor).toBe('vllm-spyre-perf-log');
    expect(profile.fit.num_samples).toBe(2 * numRequests);
  });

  it('when a line lacks decode_time_seconds, should reject the file naming the field and the line', () => {
    const { status, stderr } = failure(['--from-perf-log', join(dir, 'no-decode.jsonl'), '--scenario', LONG_CONTEXT]);
    expect(status).not.toBe(0);
    expect(stderr).toContain('no-decode.jsonl line 2: decode_time_seconds is missing');
  });

  it('when --from-bench is given too, should say the two conflict', () => {
    const { status, stderr } = failure(['--from-perf-log', join(dir, 'request_metrics.jsonl'), '--from-bench', join(dir, 'request_metrics.jsonl'), '--scenario', LONG_CONTEXT]);
    expect(status).toBe(2);
    expect(stderr).toContain('--from-bench and --from-perf-log conflict');
  });
});
