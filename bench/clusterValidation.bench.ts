// The simulated least_requests cluster against the real one: HAProxy (deploy/haproxy.cfg, leastconn) in front of
// three `spyre serve` replicas on the sendnn emulator with device timing, loaded by `spyre bench serve`'s client;
// then each run's requests at their actual send times and lengths through the simulator's three replicas behind
// `least_requests`. The protocol of `spyre sim validate --against sendnn-timed`, applied to a cluster: the front
// end (client TTFT − engine TTFT) paired per request by the server's request id, the host's share of a step
// measured in the same run, each run simulated at its own send times. The router in the simulator sees only its
// own open connections, as HAProxy does. Prints, per run and as the median over the runs with the real spread,
// the client's TTFT p50/p99, ITL mean and output throughput, and where the TTFT comes from (engine TTFT, its
// queueing, the front end, each replica's share). Needs haproxy (apt-get install haproxy).
// Run: npx tsx bench/clusterValidation.bench.ts [--runs 2] [--requests 150] [--rate 6] [--input 64] [--output 24] [--step-ms 35] [--seed 1]
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFleet } from '../sim/cluster/fleet.js';
import { runClusterSimulation } from '../sim/cluster/runClusterSimulation.js';
import type { StepCostModel, StepShape } from '../sim/cost/stepShape.js';
import { parseScenario } from '../sim/scenario/loadScenario.js';
import { scenarioWorkload } from '../sim/scenario/scenarioWorkload.js';
import { engineTtftOfPerfLine, frontendPairsOf, readPerfLog, type PerfLogLine } from '../sim/validate/frontendPairs.js';
import { percentileOf } from '../sim/validate/timedProtocol.js';
import type { RequestOutcome } from '../src/cli/commands/benchServe/benchClient.js';
import { runBenchServe } from '../src/cli/commands/benchServe/runBenchServe.js';
import { benchDataset } from '../src/cli/commands/simValidateTimed/timedServerRun.js';
import { SILENT_LOGGER } from '../src/core/contracts/logger.js';
import { mulberry32 } from '../src/core/util/mulberry32.js';
import { buildModel } from '../src/models/build/index.js';
import { PERF_LOG_FILE } from '../src/server/metrics/perfMetricLog.js';
import { freePort, until } from '../test/support/loopback.js';

const argValue = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const RUNS = argValue('--runs', 2);
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
 * the simulator's device model can be that constant exactly: what is compared is the cluster (routing,
 * queueing, batching), not a fitted cost model (that is sim validate's business).
 */
const PROFILE = { name: 'cluster-validation', memoryBandwidthBytesPerS: 200e9, fp16FlopsPerS: 45e12, launchOverheadS: STEP_S, linkBandwidthBytesPerS: 64e9, linkLatencyS: 1e-5 };

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const median = (values: readonly number[]): number => percentileOf(values, 50);

/** What one real run gave: the client's outcomes and duration, and each replica's perf-log lines of the measured load. */
interface RealRun {
  readonly outcomes: readonly RequestOutcome[];
  readonly durationS: number;
  readonly replicaLines: readonly (readonly PerfLogLine[])[];
}

async function realRun(root: string, seed: number): Promise<RealRun> {
  const modelDir = join(root, 'tiny');
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  const routerPort = await freePort();
  const children: ChildProcess[] = [];
  const perfLog = (index: number): string => join(root, `perf-${index}`, PERF_LOG_FILE);
  try {
    const env = { ...process.env, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', SPYRE_DEVICE_TIMING: 'profile', SPYRE_DEVICE_PROFILE: join(root, 'profile.json'), VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED: '1' };
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
    const load = { label: 'cluster', numPrompts: REQUESTS, inputLen: INPUT, outputLen: OUTPUT, rangeRatio: 0, requestRate: RATE, seed };
    const client = (of: typeof load): ReturnType<typeof runBenchServe> =>
      runBenchServe({ baseUrl: `http://127.0.0.1:${routerPort}`, model: undefined, dataset: benchDataset(of), requestRate: of.requestRate, burstiness: 1, maxConcurrency: undefined, ignoreEos: true, apiKey: undefined, seed: of.seed, progress: undefined });
    // Warm every replica's served path up first (the JIT compiles the hot code on the first requests), unrecorded.
    await client({ ...load, numPrompts: 2 * REPLICAS * ENGINE.max_num_seqs, requestRate: Number.POSITIVE_INFINITY, seed: seed + 7919 });
    await client({ ...load, numPrompts: 4 * REPLICAS, requestRate: RATE, seed: seed + 7920 });
    const warmUpLines = ports.map((_, index) => readPerfLog(perfLog(index)).length);
    const measured = await client(load);
    const replicaLines = ports.map((_, index) => readPerfLog(perfLog(index)).slice(warmUpLines[index]));
    return { outcomes: measured.outcomes, durationS: measured.outcomes.length === 0 ? 0 : Math.max(...measured.outcomes.map((outcome) => (outcome.sendOffsetS ?? 0) + outcome.latencyS)), replicaLines };
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

/** The four figures of the validation, as the client counts them. */
interface Figures {
  readonly ttftP50Ms: number;
  readonly ttftP99Ms: number;
  readonly itlMeanMs: number;
  readonly throughput: number;
}

/** What the real run says about itself: the figures, and the terms the simulation takes from it. */
interface RealAnalysis {
  readonly figures: Figures;
  /** Per request of the load (client order): the replica that served it, its engine TTFT and queueing, its front end. */
  readonly replicaOf: readonly number[];
  readonly engineTtftS: readonly number[];
  readonly queuedS: readonly number[];
  readonly frontendS: readonly number[];
  /** Per request of the load (the client's order, the simulation's index): its front end, the median where it has no pair. */
  readonly frontendOfRequestS: readonly number[];
  /** The host's share beyond the device's STEP_S: per request, of its decode steps (their mean) and of its prefill step. */
  readonly decodeHostS: readonly number[];
  readonly prefillHostS: readonly number[];
}

function analyseReal(run: RealRun): RealAnalysis {
  const done = run.outcomes.filter((outcome) => outcome.success);
  const itl = done.flatMap((outcome) => outcome.itlS);
  const tokens = done.reduce((total, outcome) => total + outcome.outputTokens, 0);
  const figures = { ttftP50Ms: 1000 * percentileOf(done.map((o) => o.ttftS), 50), ttftP99Ms: 1000 * percentileOf(done.map((o) => o.ttftS), 99), itlMeanMs: 1000 * mean(itl), throughput: tokens / run.durationS };
  const lineById = new Map<string, { line: PerfLogLine; replica: number }>();
  run.replicaLines.forEach((lines, replica) => lines.forEach((line) => lineById.set(String(line.request_id), { line, replica })));
  const engineById = new Map([...lineById].map(([id, { line }]) => [id, engineTtftOfPerfLine(line)] as const));
  const pairs = frontendPairsOf(done, engineById);
  const served = done.map((outcome) => lineById.get(outcome.requestId ?? ''));
  const lines = run.replicaLines.flat();
  // A request's decode-only ITL is its mean gap over decode steps alone; its prefill time is its one prefill
  // step's wall time (the prompt fits one chunk), from the step's start to the token's end.
  const decodeOnly = lines.map((line) => Number(line.decode_only_itl_seconds)).filter((value) => value > 0);
  const prefill = lines.map((line) => Number(line.prefill_time_seconds));
  const frontendS = pairs.clientTtftS.map((clientS, index) => clientS - pairs.engineTtftS[index]!);
  const frontendOfRequestS = run.outcomes.map((outcome) => {
    const engine = engineById.get(outcome.requestId ?? '');
    return outcome.success && engine !== undefined ? outcome.ttftS - engine : median(frontendS);
  });
  return {
    figures,
    frontendOfRequestS,
    replicaOf: served.map((entry) => entry?.replica ?? -1),
    engineTtftS: pairs.engineTtftS,
    queuedS: served.flatMap((entry) => (entry === undefined ? [] : [Number(entry.line.queued_time_seconds)])),
    frontendS,
    decodeHostS: decodeOnly.map((value) => Math.max(0, value - STEP_S)),
    prefillHostS: prefill.map((value) => Math.max(0, value - STEP_S)),
  };
}

/**
 * The host's terms a simulation adds: the host's share of a decode step and of a prefill step (each step draws
 * one from its kind's samples, seeded: a single value is a constant), and the front end on TTFT.
 */
interface Host {
  readonly decodeS: readonly number[];
  readonly prefillS: readonly number[];
  readonly frontendS: number;
  /** When given, each request's own front end (by its index) instead of `frontendS`. */
  readonly frontendOfRequestS?: readonly number[];
}

/** Every step STEP_S on the device plus a host share drawn for its kind. */
class MeasuredHostCostModel implements StepCostModel {
  readonly name = 'device step + measured host share by step kind';
  private readonly nextUniform: () => number;

  constructor(
    private readonly host: Host,
    seed: number,
  ) {
    this.nextUniform = mulberry32(seed);
  }

  stepLatencyS(shape: StepShape): number {
    const pool = shape.kind === 'decode' ? this.host.decodeS : this.host.prefillS;
    return STEP_S + (pool.length === 0 ? 0 : pool[Math.floor(this.nextUniform() * pool.length)]!);
  }
}

interface SimAnalysis {
  readonly figures: Figures;
  readonly replicaOf: readonly number[];
  readonly engineTtftS: readonly number[];
}

/**
 * A run's requests in the simulator: each at its actual send time (the client's `sendOffsetS`), with its
 * lengths, through three replicas behind least_requests, each step costing STEP_S plus the host's share of its
 * kind; the front end added to every TTFT (the client counts from its send). Throughput as the client counts it:
 * output tokens over the load's start to the last request's end.
 */
function simulate(run: RealRun, host: Host): SimAnalysis {
  const requests = run.outcomes.map((outcome, index) => ({ id: `bench-${index}`, arrival_time: outcome.sendOffsetS ?? 0, prompt: { length: outcome.promptLen, seed: index }, max_tokens: OUTPUT, ignore_eos: true }));
  const scenario = parseScenario({ config: ENGINE, requests, cost_model: { linear: { fixed_s: STEP_S } }, replicas: REPLICAS, router: { policy: 'least_requests' } }, 'cluster validation');
  const fleet = resolveFleet(scenario, '.', SILENT_LOGGER).map((replica, index) => ({ ...replica, costModel: new MeasuredHostCostModel(host, index + 1) }));
  const outcome = runClusterSimulation({ fleet, router: scenario.router, workload: scenarioWorkload(scenario, '.'), keepPerRequest: true });
  const timings = outcome.fleet.metrics.perRequest!;
  const ttft: number[] = [];
  const client: number[] = [];
  let gapsS = 0;
  let gaps = 0;
  let tokens = 0;
  let lastEndS = 0;
  for (let index = 0; index < requests.length; index++) {
    if (timings.state[index] !== 2) continue;
    const n = timings.numOutputTokens[index]!;
    tokens += n;
    lastEndS = Math.max(lastEndS, timings.endS[index]!);
    ttft.push(timings.firstTokenS[index]! - timings.arrivalS[index]!);
    client.push(ttft.at(-1)! + (host.frontendOfRequestS?.[index] ?? host.frontendS));
    gapsS += timings.lastTokenS[index]! - timings.firstTokenS[index]!;
    gaps += n - 1;
  }
  return {
    figures: { ttftP50Ms: 1000 * percentileOf(client, 50), ttftP99Ms: 1000 * percentileOf(client, 99), itlMeanMs: (1000 * gapsS) / gaps, throughput: tokens / (lastEndS + host.frontendS) },
    replicaOf: [...outcome.owner],
    engineTtftS: ttft,
  };
}

const KEYS = [['ttftP50Ms', 'TTFT p50 ms', 0.05], ['ttftP99Ms', 'TTFT p99 ms', 0.1], ['itlMeanMs', 'ITL mean ms', 0.02], ['throughput', 'output tok/s', 0.02]] as const;
const pct = (value: number): string => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)}%`;
const ms = (s: number): string => (1000 * s).toFixed(1);
const countsOf = (replicaOf: readonly number[]): string => Array.from({ length: REPLICAS }, (_, replica) => replicaOf.filter((r) => r === replica).length).join('/');

/** The share of requests the simulated router sent where HAProxy did, under the best relabelling of the replicas (their order is arbitrary). */
function sameReplicaShare(real: readonly number[], simulated: readonly number[]): number {
  const labellings = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  const agreeing = labellings.map((label) => real.filter((replica, index) => replica >= 0 && label[replica] === simulated[index]).length);
  return Math.max(...agreeing) / real.length;
}

const root = mkdtempSync(join(tmpdir(), 'spyre-cluster-validation-'));
try {
  await Promise.resolve(buildModel({ preset: 'tiny', outDir: join(root, 'tiny') }));
  writeFileSync(join(root, 'profile.json'), JSON.stringify(PROFILE));
  console.log(`${REQUESTS} requests, Poisson ${RATE}/s (seed ${SEED}), ${INPUT} prompt + ${OUTPUT} output tokens, ${REPLICAS} replicas (max_num_seqs ${ENGINE.max_num_seqs}, chunk ${ENGINE.max_num_batched_tokens}), every device step ${STEP_S * 1000} ms; ${RUNS} runs`);
  const rows: { real: Figures; device: Figures; meanHost: Figures; host: Figures; drawn: Figures; paired: Figures }[] = [];
  for (let runIndex = 0; runIndex < RUNS; runIndex++) {
    const run = await realRun(root, SEED);
    const real = analyseReal(run);
    const frontendS = median(real.frontendS);
    const device = simulate(run, { decodeS: [], prefillS: [], frontendS: 0 });
    const meanHost = simulate(run, { decodeS: [mean(real.decodeHostS)], prefillS: [mean(real.prefillHostS)], frontendS });
    const host = simulate(run, { decodeS: real.decodeHostS, prefillS: real.prefillHostS, frontendS });
    const draw = mulberry32(runIndex + 101);
    const drawnFrontendS = run.outcomes.map(() => real.frontendS[Math.floor(draw() * real.frontendS.length)]!);
    const drawn = simulate(run, { decodeS: real.decodeHostS, prefillS: real.prefillHostS, frontendS, frontendOfRequestS: drawnFrontendS });
    const paired = simulate(run, { decodeS: real.decodeHostS, prefillS: real.prefillHostS, frontendS, frontendOfRequestS: real.frontendOfRequestS });
    rows.push({ real: real.figures, device: device.figures, meanHost: meanHost.figures, host: host.figures, drawn: drawn.figures, paired: paired.figures });
    console.log(`\nrun ${runIndex + 1}: host share of a decode step mean ${ms(mean(real.decodeHostS))} ms, of a prefill step p50/mean/p99 ${ms(median(real.prefillHostS))}/${ms(mean(real.prefillHostS))}/${ms(percentileOf(real.prefillHostS, 99))} ms; front end (client − engine TTFT, ${real.frontendS.length} pairs) p50 ${ms(frontendS)} ms, p99 ${ms(percentileOf(real.frontendS, 99))} ms`);
    console.log(`  engine TTFT p50/p99: real ${ms(median(real.engineTtftS))}/${ms(percentileOf(real.engineTtftS, 99))} ms, sim (host drawn) ${ms(median(host.engineTtftS))}/${ms(percentileOf(host.engineTtftS, 99))} ms, sim (host means) ${ms(median(meanHost.engineTtftS))}/${ms(percentileOf(meanHost.engineTtftS, 99))} ms; real queued p50/p99 ${ms(median(real.queuedS))}/${ms(percentileOf(real.queuedS, 99))} ms (zero for ${real.queuedS.filter((q) => q < 1e-4).length} requests)`);
    console.log(`  requests per replica: real ${countsOf(real.replicaOf)}, sim ${countsOf(host.replicaOf)}; the same replica (best relabelling) for ${(100 * sameReplicaShare(real.replicaOf, host.replicaOf)).toFixed(0)}% of requests`);
    for (const [key, label] of KEYS) {
      const a = real.figures[key];
      console.log(`  ${label.padEnd(13)} real ${a.toFixed(1).padStart(6)}  device only ${device.figures[key].toFixed(1).padStart(6)} (${pct(device.figures[key] / a - 1)})  host means ${meanHost.figures[key].toFixed(1).padStart(6)} (${pct(meanHost.figures[key] / a - 1)})  host drawn ${host.figures[key].toFixed(1).padStart(6)} (${pct(host.figures[key] / a - 1)})  + front end drawn ${drawn.figures[key].toFixed(1).padStart(6)} (${pct(drawn.figures[key] / a - 1)})  + own front end ${paired.figures[key].toFixed(1).padStart(6)} (${pct(paired.figures[key] / a - 1)})`);
    }
  }
  for (const [variant, label] of [['host', 'the front end its median'], ['drawn', "the front end drawn (seeded) from the run's paired samples"], ['paired', "each request's own measured front end (a diagnostic: not a model)"]] as const) {
    console.log(`\nmedian over ${RUNS} runs (real min–max), each run simulated at its own send times with its own host shares, ${label}:`);
    for (const [key, name, target] of KEYS) {
      const real = rows.map((row) => row.real[key]);
      const sims = rows.map((row) => row[variant][key]);
      const sim = median(sims);
      const error = sim / median(real) - 1;
      console.log(`  ${name.padEnd(13)} real ${median(real).toFixed(1).padStart(6)} (${Math.min(...real).toFixed(1)}–${Math.max(...real).toFixed(1)})  sim ${sim.toFixed(1).padStart(6)} (${Math.min(...sims).toFixed(1)}–${Math.max(...sims).toFixed(1)})  ${pct(error).padStart(6)}  target ±${100 * target}%  ${Math.abs(error) <= target ? 'meets' : 'misses'}`);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
