/**
 * Simulator speed at the sizes users run (issue 14 part 3): simulated requests per second of CPU time and
 * of wall time, µs per simulated step, and peak RSS, for a light and an overloaded workload from 10,000 to
 * 1,000,000 requests. Each case runs in a fresh child process (so its peak RSS is its own) after a warm-up
 * run of 2,000 requests; the figure is a whole `simulateScenario` (workload, the real engine core, metrics,
 * the report), no trace, one thread.
 *
 * Workload (the issue's): Poisson arrivals, prompts uniform 16–512 tokens, outputs uniform 8–128,
 * max_num_seqs 32, chunk 512, max_model_len 2048, the `spyre-illustrative` cost model (the roofline on one
 * card, which serves about 2.5 requests/s of it: 2 req/s is light, 10 — the "light", measured on
 * the earlier linear profile — and 40 are far over).
 *
 *   npx tsx bench/simSpeed.bench.ts [--cases light-10k,over-10k,over-100k,light-1m] [--repeats 3]
 *                                   [--before DIR] [--cli] [--warmup 2000] [--warmup-runs 1]
 *
 * `--warmup N --warmup-runs K`: K warm-up runs of N requests before the measured one (one of 2,000 by
 * default). After one warm-up run the measured run still pays for V8 settling its optimised code (its
 * compiler threads count in the process's CPU time): it costs about twice the runs after it, however many
 * requests the warm-up had. `--warmup 10000 --warmup-runs 3` measures the steady state that a sweep's later
 * points (many runs in one worker) run in.
 *
 * `--before DIR` runs the same cases on another checkout (e.g. main, unpacked with `git archive`) in the
 * same invocation and prints the ratio; `--cli` also times whole `spyre sim run --no-trace` processes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as LoadScenarioModule from '../sim/scenario/loadScenario.js';
import type * as SimulateScenarioModule from '../sim/run/simulateScenario.js';

interface Case {
  readonly name: string;
  readonly numRequests: number;
  readonly rate: number;
}

const CASES: readonly Case[] = [
  { name: 'light-10k', numRequests: 10_000, rate: 2 },
  { name: 'issue-10k', numRequests: 10_000, rate: 10 },
  { name: 'over-10k', numRequests: 10_000, rate: 40 },
  { name: 'light-100k', numRequests: 100_000, rate: 2 },
  { name: 'over-100k', numRequests: 100_000, rate: 40 },
  { name: 'light-1m', numRequests: 1_000_000, rate: 2 },
  { name: 'over-1m', numRequests: 1_000_000, rate: 40 },
];

interface Measured {
  readonly wallS: number;
  readonly cpuS: number;
  readonly steps: number;
  readonly completed: number;
  readonly maxRssMb: number;
  readonly ttftP50S: number;
  readonly itlP50S: number;
}

function scenarioJson(numRequests: number, rate: number): unknown {
  return {
    config: { max_model_len: 2048, max_num_seqs: 32, max_num_batched_tokens: 512 },
    workload: {
      num_requests: numRequests,
      seed: 1,
      arrival: { process: 'poisson', rate },
      prompt_len: { dist: 'uniform', min: 16, max: 512 },
      output_len: { dist: 'uniform', min: 8, max: 128 },
    },
    cost_model: { profile: 'spyre-illustrative' },
  };
}

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const HERE = resolve(fileURLToPath(import.meta.url), '../..');
const WARMUP_REQUESTS = Number(argValue('--warmup') ?? '2000');
const WARMUP_RUNS = Number(argValue('--warmup-runs') ?? '1');

/** Child mode: one case on the checkout at `repo`, printed as one JSON line. */
async function runChild(repo: string, numRequests: number, rate: number, warmupRequests: number, warmupRuns: number): Promise<void> {
  await import('reflect-metadata');
  const { simulateScenario } = (await import(join(repo, 'sim/run/simulateScenario.ts'))) as typeof SimulateScenarioModule;
  const { parseScenario } = (await import(join(repo, 'sim/scenario/loadScenario.ts'))) as typeof LoadScenarioModule;
  for (let run = 0; run < warmupRuns; run++) simulateScenario(parseScenario(scenarioJson(warmupRequests, rate), 'warm-up'), '.');
  const scenario = parseScenario(scenarioJson(numRequests, rate), 'bench');
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const report = simulateScenario(scenario, '.');
  const wallS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const measured: Measured = {
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    steps: report.steps.prefill + report.steps.decode + report.steps.idle,
    completed: report.requests.completed,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ttftP50S: report.ttft_s.p50,
    itlP50S: report.itl_s.p50,
  };
  process.stdout.write(JSON.stringify(measured) + '\n');
}

function measure(repo: string, benchCase: Case): Measured {
  const output = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', repo, String(benchCase.numRequests), String(benchCase.rate), String(WARMUP_REQUESTS), String(WARMUP_RUNS)], {
    // The checkout's own tsconfig (decorators) applies to its files.
    cwd: repo,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(repo, 'tsconfig.json') },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Measured;
}

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function medianRun(repo: string, benchCase: Case, repeats: number): Measured {
  const runs = Array.from({ length: repeats }, () => measure(repo, benchCase));
  const pick = (of: (run: Measured) => number): number => median(runs.map(of));
  return { wallS: pick((run) => run.wallS), cpuS: pick((run) => run.cpuS), steps: runs[0]!.steps, completed: runs[0]!.completed, maxRssMb: pick((run) => run.maxRssMb), ttftP50S: runs[0]!.ttftP50S, itlP50S: runs[0]!.itlP50S };
}

function line(label: string, benchCase: Case, run: Measured): string {
  const perCpuS = Math.round(benchCase.numRequests / run.cpuS).toLocaleString('en-US');
  const perWallS = Math.round(benchCase.numRequests / run.wallS).toLocaleString('en-US');
  return (
    `${label.padEnd(7)} ${benchCase.name.padEnd(10)} ${String(benchCase.numRequests).padStart(8)} req @${String(benchCase.rate).padStart(3)}/s  steps ${String(run.steps).padStart(8)}  ` +
    `cpu ${run.cpuS.toFixed(2).padStart(6)} s (${perCpuS.padStart(8)} req/s, ${((run.cpuS * 1e6) / run.steps).toFixed(2).padStart(6)} µs/step)  ` +
    `wall ${run.wallS.toFixed(2).padStart(6)} s (${perWallS.padStart(8)} req/s)  peak RSS ${run.maxRssMb.toFixed(0).padStart(5)} MB  ttft p50 ${run.ttftP50S} s`
  );
}

/** Whole `spyre sim run --no-trace` processes, as a user runs them: wall and CPU seconds from /usr/bin/time. */
function timeCli(repo: string, benchCase: Case): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-speed-'));
  const scenarioPath = join(dir, 'scenario.json');
  writeFileSync(scenarioPath, JSON.stringify(scenarioJson(benchCase.numRequests, benchCase.rate)));
  const timed = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, join(repo, 'bin/spyre.js'), 'sim', 'run', scenarioPath, '--no-trace', '--out', join(dir, 'out')], { encoding: 'utf8' });
  const [wall, user, system, rssKb] = timed.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return `wall ${wall!.toFixed(2)} s, cpu ${(user! + system!).toFixed(2)} s, peak RSS ${(rssKb! / 1024).toFixed(0)} MB`;
}

if (args[0] === '--child') {
  await runChild(args[1]!, Number(args[2]), Number(args[3]), Number(args[4] ?? '2000'), Number(args[5] ?? '1'));
} else {
  const names = (argValue('--cases') ?? 'light-10k,issue-10k,over-10k,over-100k,light-1m').split(',');
  const repeats = Number(argValue('--repeats') ?? '3');
  const before = argValue('--before');
  for (const name of names) {
    const benchCase = CASES.find((each) => each.name === name);
    if (benchCase === undefined) throw new Error(`unknown case '${name}'; the cases are ${CASES.map((each) => each.name).join(', ')}`);
    const caseRepeats = benchCase.numRequests >= 1_000_000 ? 1 : repeats;
    const after = medianRun(HERE, benchCase, caseRepeats);
    console.log(line('this', benchCase, after));
    if (before !== undefined && benchCase.numRequests < 1_000_000) {
      const old = medianRun(resolve(before), benchCase, caseRepeats);
      console.log(line('before', benchCase, old));
      console.log(`        ratio: ${(old.cpuS / after.cpuS).toFixed(1)}x less CPU, peak RSS ${old.maxRssMb.toFixed(0)} → ${after.maxRssMb.toFixed(0)} MB`);
    }
    if (args.includes('--cli') && benchCase.numRequests <= 100_000) {
      console.log(`        spyre sim run (whole process): this ${timeCli(HERE, benchCase)}` + (before !== undefined ? `; before ${timeCli(resolve(before), benchCase)}` : ''));
    }
  }
  console.log(`median of ${repeats} child processes (1 for 1M), node ${process.version}; cpu = user + system of the run alone, after ${WARMUP_RUNS} warm-up run(s) of ${WARMUP_REQUESTS.toLocaleString('en-US')} requests`);
}
