// The simulated least_requests cluster against the real one: HAProxy (deploy/haproxy.cfg, leastconn) in front of
// three `spyre serve` replicas on the sendnn emulator with device timing, loaded by `spyre bench serve`; then the
// same requests (the bench's arrival times and lengths) through `spyre sim` with three replicas behind
// `least_requests`. Prints the client's TTFT p50/p99, ITL mean and output throughput, real against simulated,
// with the device's step time only and with the host's per-step overhead and the front-end latency added (both
// from a separate calibration run of the same cluster first). Needs haproxy (apt-get install haproxy).
// Run: npx tsx bench/clusterValidation.bench.ts [--requests 150] [--rate 6] [--input 64] [--output 24] [--step-ms 35] [--seed 1]
import 'reflect-metadata';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantileOfSorted } from '../sim/report/percentiles.js';
import { simulateScenario } from '../sim/run/simulateScenario.js';
import { parseScenario } from '../sim/scenario/loadScenario.js';
import { arrivalGapsS } from '../src/cli/commands/benchServe/arrivals.js';
import { buildModel } from '../src/models/build/index.js';
import { PERF_LOG_FILE } from '../src/server/metrics/perfMetricLog.js';
import { freePort, until } from '../test/support/loopback.js';

const argValue = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const REQUESTS = argValue('--requests', 150);
const RATE = argValue('--rate', 6);
const INPUT = argValue('--input', 64);
const OUTPUT = argValue('--output', 24);
const STEP_S = argValue('--step-ms', 35) / 1000;
const SEED = argValue('--seed', 1);
const REPLICAS = 3;
const ENGINE = { max_model_len: 512, max_num_batched_tokens: 128, max_num_seqs: 4 };
const SPYRE = new URL('../bin/spyre.js', import.meta.url).pathname;
const HAPROXY_CFG = new URL('../deploy/haproxy.cfg', import.meta.url).pathname;

/**
 * The device profile of the replicas: every program run takes STEP_S (launch overhead) plus its memory time
 * at 200 GB/s, which for the tiny model is microseconds. So a step costs the same whatever its shape, and
 * the simulator's cost model can be that constant exactly: what is compared is the cluster (routing,
 * queueing, batching), not a fitted cost model (that is sim validate's business).
 */
const PROFILE = { name: 'cluster-validation', memoryBandwidthBytesPerS: 200e9, fp16FlopsPerS: 45e12, launchOverheadS: STEP_S, linkBandwidthBytesPerS: 64e9, linkLatencyS: 1e-5 };

/**
 * TTFT and ITL as the engines saw them, from each replica's perf log (SPEC §4): TTFT = queued + prefill
 * seconds (arrival at the engine to its first token), ITL mean = Σ decode seconds / Σ (tokens − 1). The client's
 * own TTFT waits for the first chunk with text, and the tiny model's random byte tokens often decode to nothing
 * until a few of them form a character, so the client's figure says more about the detokenizer than the cluster.
 */
function engineSide(paths: readonly string[]): Record<string, number> {
  const lines = paths.flatMap((path) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>));
  const ttft = Float64Array.from(lines.map((line) => line.queued_seconds! + line.prefill_seconds!)).sort();
  const decodeS = lines.reduce((total, line) => total + line.decode_seconds!, 0);
  const gaps = lines.reduce((total, line) => total + line.generation_tokens! - 1, 0);
  const decodeOnly = lines.map((line) => line.decode_only_itl_seconds).filter((value): value is number => typeof value === 'number');
  const decodeOnlyItlS = decodeOnly.reduce((total, value) => total + value, 0) / decodeOnly.length;
  return { median_ttft_ms: 1000 * quantileOfSorted(ttft, 0.5), p99_ttft_ms: 1000 * quantileOfSorted(ttft, 0.99), mean_itl_ms: (1000 * decodeS) / gaps, engine_requests: lines.length, decode_only_itl_s: decodeOnlyItlS };
}

interface Load {
  readonly requests: number;
  readonly rate: number;
  readonly seed: number;
}

async function realRun(root: string, load: Load): Promise<Record<string, number>> {
  const modelDir = join(root, 'tiny');
  const profilePath = join(root, 'profile.json');
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  const routerPort = await freePort();
  const children: ChildProcess[] = [];
  try {
    const env = { ...process.env, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', SPYRE_DEVICE_TIMING: 'profile', SPYRE_DEVICE_PROFILE: profilePath, VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED: '1' };
    for (const [index, port] of ports.entries()) {
      const flags = ['serve', modelDir, '--port', String(port), '--max-model-len', String(ENGINE.max_model_len), '--max-num-batched-tokens', String(ENGINE.max_num_batched_tokens), '--max-num-seqs', String(ENGINE.max_num_seqs), '--log-level', 'error', '--disable-log-requests'];
      rmSync(join(root, `perf-${index}`), { recursive: true, force: true });
      children.push(spawn(process.execPath, [SPYRE, ...flags], { stdio: 'ignore', env: { ...env, VLLM_SPYRE_PERF_METRIC_LOGGING_DIR: join(root, `perf-${index}`) } }));
    }
    await Promise.all(ports.map((port) => until(`replica :${port}`, async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 60_000)));
    const servers = ports.map((port, index) => `    server replica${index} 127.0.0.1:${port} check`).join('\n');
    const cfg = join(root, 'haproxy.cfg');
    writeFileSync(cfg, readFileSync(HAPROXY_CFG, 'utf8').replace('bind 127.0.0.1:8080', `bind 127.0.0.1:${routerPort}`).replace(/( {4}server replica\d .*\n?)+/, `${servers}\n`));
    children.push(spawn('haproxy', ['-f', cfg, '-db'], { stdio: 'ignore' }));
    await until('haproxy', async () => (await fetch(`http://127.0.0.1:${routerPort}/health`)).status === 200, 15_000);
    const resultPath = join(root, 'result.json');
    const bench = spawnSync(
      process.execPath,
      [SPYRE, 'bench', 'serve', '--port', String(routerPort), '--model', modelDir, '--dataset-name', 'random', '--random-input-len', String(INPUT), '--random-output-len', String(OUTPUT),
        '--num-prompts', String(load.requests), '--request-rate', String(load.rate), '--ignore-eos', '--seed', String(load.seed), '--result-filename', resultPath, '--disable-tqdm'],
      { encoding: 'utf8' },
    );
    if (bench.status !== 0) throw new Error(`spyre bench serve failed: ${bench.stderr}`);
    const client = JSON.parse(readFileSync(resultPath, 'utf8')) as Record<string, number>;
    return {
      ...engineSide(ports.map((_, index) => join(root, `perf-${index}`, PERF_LOG_FILE))),
      client_median_ttft_ms: client.median_ttft_ms!, client_p99_ttft_ms: client.p99_ttft_ms!, client_mean_itl_ms: client.mean_itl_ms!, output_throughput: client.output_throughput!, completed: client.completed!,
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

/** The host's terms of a cluster replica: per step, per request a decode step serves, and the front end (seconds). */
interface Host {
  readonly perStepS: number;
  readonly perRequestS: number;
  readonly frontendS: number;
}

const NO_HOST: Host = { perStepS: 0, perRequestS: 0, frontendS: 0 };

/**
 * The host overhead from a separate calibration run of the same cluster (another seed and rate): a decode-only
 * gap is one decode step, so its mean beyond the device's STEP_S is the host's share of a step (the replicas'
 * decode batches are small, so it is kept per step; per request it is 0 here); the front end is the client's
 * TTFT p50 less the engines' (HAProxy, HTTP and the first chunk back to the client).
 */
function hostOf(calibration: Record<string, number>): Host {
  return { perStepS: Math.max(0, calibration.decode_only_itl_s! - STEP_S), perRequestS: 0, frontendS: Math.max(0, (calibration.client_median_ttft_ms! - calibration.median_ttft_ms!) / 1000) };
}

/**
 * The same requests in the simulator: the bench's own arrival times (its seeded gamma gaps, summed from its
 * start), prompt and output lengths, three replicas behind least_requests, each step costing STEP_S plus the
 * host's per-step and per-request terms (as the linear cost model's fixed and per-row coefficients), and the
 * front end added to TTFT (the client counts from its send). Throughput is counted as the bench counts it:
 * output tokens over its start to the last request's end.
 */
function simulatedRun(load: Load, host: Host): Record<string, number> {
  const gaps = arrivalGapsS(load.requests, load.rate, 1, load.seed);
  let timeS = 0;
  const requests = gaps.map((gapS, index) => {
    timeS += gapS;
    return { id: `bench-${index}`, arrival_time: timeS, prompt: { length: INPUT, seed: index }, max_tokens: OUTPUT, ignore_eos: true };
  });
  const cost = { fixed_s: STEP_S + host.perStepS, decode_per_seq_s: host.perRequestS, prefill_s: host.perRequestS };
  const scenario = parseScenario({ config: ENGINE, requests, cost_model: { linear: cost }, replicas: REPLICAS, router: { policy: 'least_requests' } }, 'cluster-validation');
  const report = simulateScenario(scenario, '.');
  return {
    median_ttft_ms: (report.ttft_s.p50 + host.frontendS) * 1000,
    p99_ttft_ms: (report.ttft_s.p99 + host.frontendS) * 1000,
    mean_itl_ms: report.itl_s.mean * 1000,
    output_throughput: (load.requests * OUTPUT) / (report.duration_s + requests[0]!.arrival_time + host.frontendS),
  };
}

const root = mkdtempSync(join(tmpdir(), 'spyre-cluster-validation-'));
try {
  await Promise.resolve(buildModel({ preset: 'tiny', outDir: join(root, 'tiny') }));
  writeFileSync(join(root, 'profile.json'), JSON.stringify(PROFILE));
  const load: Load = { requests: REQUESTS, rate: RATE, seed: SEED };
  const calibrationLoad: Load = { requests: Math.max(40, Math.round(REQUESTS / 2)), rate: 0.7 * RATE, seed: SEED + 1000 };
  const host = hostOf(await realRun(root, calibrationLoad));
  const real = await realRun(root, load);
  const deviceOnly = simulatedRun(load, NO_HOST);
  const withHost = simulatedRun(load, host);
  console.log(`${REQUESTS} requests, Poisson ${RATE}/s, ${INPUT} prompt + ${OUTPUT} output tokens, ${REPLICAS} replicas (max_num_seqs ${ENGINE.max_num_seqs}, chunk ${ENGINE.max_num_batched_tokens}), every device step ${STEP_S * 1000} ms`);
  console.log(`host from a separate calibration run (${calibrationLoad.requests} requests at ${calibrationLoad.rate}/s, seed ${calibrationLoad.seed}): ${(host.perStepS * 1000).toFixed(2)} ms/step, front end ${(host.frontendS * 1000).toFixed(2)} ms`);
  console.log(`figure (client)     real   sim: device only  error   + host and front end  error   target`);
  const targets: Record<string, number> = { median_ttft_ms: 5, p99_ttft_ms: 10, mean_itl_ms: 2, output_throughput: 2 };
  for (const [key, realKey, label] of [['median_ttft_ms', 'client_median_ttft_ms', 'TTFT p50 ms'], ['p99_ttft_ms', 'client_p99_ttft_ms', 'TTFT p99 ms'], ['mean_itl_ms', 'client_mean_itl_ms', 'ITL mean ms'], ['output_throughput', 'output_throughput', 'output tok/s']] as const) {
    const a = real[realKey]!;
    const error = (b: number): string => `${(((b - a) / a) * 100).toFixed(1).padStart(5)}%`;
    console.log(`${label.padEnd(14)} ${a.toFixed(1).padStart(8)}  ${deviceOnly[key]!.toFixed(1).padStart(16)}  ${error(deviceOnly[key]!)}  ${withHost[key]!.toFixed(1).padStart(20)}  ${error(withHost[key]!)}   ±${targets[key]}%`);
  }
  console.log(`(the engines' own figures, from the replicas' perf logs, ${real.engine_requests} requests: TTFT p50 ${real.median_ttft_ms!.toFixed(1)} ms, p99 ${real.p99_ttft_ms!.toFixed(1)} ms, ITL mean ${real.mean_itl_ms!.toFixed(1)} ms; ${real.completed} completed at the client)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
