/**
 * Head-of-line blocking under hostile load, in one run: `spyre serve` on the tiny preset (a child process)
 * and waves of 32 streams decoding at once, in rounds of three: quiet; while a second child process sends
 * large (just under the 4 MiB body limit) and malformed bodies in a loop to a sink that reads and drops them
 * (the control: the abuser's and the sink's CPU compete with the server for the machine's cores, but the
 * server does no extra work); and while it sends them to the server (bench/headOfLineAbuser.ts, started for
 * the wave and stopped after it, once its body in flight is answered; the server's tokenizer worker is
 * started by one large body before the waves, so its start-up is not timed). /health is probed every 20 ms throughout; the kinds of waves alternate so a
 * shared machine's changing load falls on all alike. Prints per kind of wave the streams' ITL (gap between
 * content events) p50/p99, the abused / control p99 ratio (target: within 20%; the server's head-of-line
 * share) and abused / quiet, and the worst /health latency (target: under 100 ms).
 *
 *   npx tsx bench/headOfLine.bench.ts [--model DIR] [--streams 32] [--tokens 128] [--rounds 3] [--abuse TEXT]
 *
 * `--abuse TEXT`: send only the abusive bodies whose name contains TEXT (e.g. "100,000" for the chat of
 * 100,000 messages, the one that keeps the tokenizer worker busiest).
 * `--rounds` pairs of waves (quiet, abused) of `--streams` streams of `--tokens` output tokens each.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { buildModel } from '../src/models/build/index.js';
import { freePort, until } from '../test/support/loopback.js';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const NUM_STREAMS = Number(argValue('--streams') ?? 32);
const OUTPUT_TOKENS = Number(argValue('--tokens') ?? 128);
const ROUNDS = Number(argValue('--rounds') ?? 3);
const ABUSE = argValue('--abuse') ?? '';
const SPYRE = new URL('../bin/spyre.js', import.meta.url).pathname;
const ABUSER = new URL('./headOfLineAbuser.ts', import.meta.url).pathname;
const SERVED_MODEL = 'tiny';

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

/** One stream's content-event arrival times (ms); throws unless it ends with all its tokens. */
async function streamGaps(baseUrl: string, index: number): Promise<number[]> {
  const body = { model: SERVED_MODEL, prompt: `stream ${index}: once upon a time`, max_tokens: OUTPUT_TOKENS, ignore_eos: true, stream: true, stream_options: { include_usage: true } };
  const response = await fetch(`${baseUrl}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.body === null || response.status !== 200) throw new Error(`stream ${index}: status ${response.status}`);
  const decoder = new TextDecoder();
  const arrivals: number[] = [];
  let buffer = '';
  let completionTokens = 0;
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!event.startsWith('data: {')) continue;
      const data = JSON.parse(event.slice(6)) as { choices: { text: string }[]; usage?: { completion_tokens: number } | null };
      if (data.usage) completionTokens = data.usage.completion_tokens;
      if (data.choices[0]?.text) arrivals.push(performance.now());
    }
  }
  if (completionTokens !== OUTPUT_TOKENS) throw new Error(`stream ${index} ended with ${completionTokens} of ${OUTPUT_TOKENS} tokens`);
  return arrivals.slice(1).map((time, position) => time - (arrivals[position] as number));
}

interface WaveResult {
  readonly itlMs: number[];
  readonly healthMs: number[];
}

/** One wave of NUM_STREAMS streams, /health probed meanwhile. */
async function wave(baseUrl: string, first: number): Promise<WaveResult> {
  let done = false;
  const healthMs: number[] = [];
  const probing = (async () => {
    while (!done) {
      const start = performance.now();
      const response = await fetch(`${baseUrl}/health`);
      await response.text();
      healthMs.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const gaps = await Promise.all(Array.from({ length: NUM_STREAMS }, (_, index) => streamGaps(baseUrl, first + index)));
  done = true;
  await probing;
  return { itlMs: gaps.flat(), healthMs };
}

interface Abuser {
  readonly answers: string[];
  stop(): Promise<void>;
}

/** A plain node:http server that reads every body and answers 400: the abuser's target in the control waves. */
async function startSink(): Promise<{ readonly baseUrl: string; stop(): Promise<void> }> {
  const port = await freePort();
  const source = `require('node:http').createServer((request, response) => { request.resume(); request.on('end', () => { response.statusCode = 400; response.end('{}'); }); }).listen(${port}, '127.0.0.1', () => console.log('listening'));`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function startAbuser(baseUrl: string): Promise<Abuser> {
  const child = spawn(process.execPath, ['--import', 'tsx', ABUSER, baseUrl, SERVED_MODEL, ABUSE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers: string[] = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else answers.push(line);
    });
  });
  return {
    answers,
    // Closing its stdin lets it finish the body in flight: a hang-up mid-body would stop the server's
    // tokenizer worker, and the next wave would time the worker's restart, not the abuse.
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
    },
  };
}

/** One abusive body, answered: starts the server's tokenizer worker before the waves are timed. */
async function warmTokenizerWorker(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: SERVED_MODEL, prompt: 'ab c'.repeat(1_000_000), max_tokens: 4 }) });
  await response.text();
}

const merge = (results: readonly WaveResult[]): WaveResult => ({ itlMs: results.flatMap((result) => result.itlMs), healthMs: results.flatMap((result) => result.healthMs) });

function row(name: string, result: WaveResult): string {
  return `| ${name} | ${result.itlMs.length} | ${quantile(result.itlMs, 0.5).toFixed(2)} | ${quantile(result.itlMs, 0.99).toFixed(2)} | ${result.healthMs.length} | ${quantile(result.healthMs, 0.5).toFixed(1)} | ${Math.max(...result.healthMs).toFixed(1)} |`;
}

async function main(): Promise<void> {
  const given = argValue('--model');
  const root = mkdtempSync(join(tmpdir(), 'spyre-hol-bench-'));
  const modelDir = given ?? join(root, 'tiny');
  if (given === undefined) buildModel({ preset: 'tiny', outDir: modelDir });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const flags = ['serve', modelDir, '--served-model-name', SERVED_MODEL, '--port', String(port), '--max-model-len', '512', '--max-num-seqs', String(NUM_STREAMS), '--max-num-batched-tokens', '128', '--log-level', 'error', '--disable-log-requests'];
  const server = spawn(process.execPath, [SPYRE, ...flags], { stdio: 'ignore' });
  try {
    await until('the server', async () => (await fetch(`${baseUrl}/health`)).status === 200, 120_000);
    await wave(baseUrl, 0); // warm-up: first requests, JIT
    await warmTokenizerWorker(baseUrl);
    const quiet: WaveResult[] = [];
    const control: WaveResult[] = [];
    const abused: WaveResult[] = [];
    const answers: string[] = [];
    const sink = await startSink();
    let first = NUM_STREAMS;
    for (let round = 0; round < ROUNDS; round++) {
      quiet.push(await wave(baseUrl, first));
      const sinkAbuser = await startAbuser(sink.baseUrl);
      control.push(await wave(baseUrl, (first += NUM_STREAMS)));
      await sinkAbuser.stop();
      const abuser = await startAbuser(baseUrl);
      abused.push(await wave(baseUrl, (first += NUM_STREAMS)));
      await abuser.stop();
      answers.push(...abuser.answers);
      first += NUM_STREAMS;
    }
    await sink.stop();
    const [quietAll, controlAll, abusedAll] = [merge(quiet), merge(control), merge(abused)];
    const p99 = (result: WaveResult): number => quantile(result.itlMs, 0.99);
    const statuses: Record<string, number> = {};
    for (const answer of answers) statuses[answer] = (statuses[answer] ?? 0) + 1;
    console.log(`tiny preset, ${NUM_STREAMS} streams x ${OUTPUT_TOKENS} tokens, ${ROUNDS} quiet and ${ROUNDS} abused waves alternating; Node ${process.version}`);
    console.log('| waves | ITL samples | ITL p50 ms | ITL p99 ms | /health probes | /health p50 ms | /health worst ms |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(row('quiet', quietAll));
    console.log(row('control (abuse sent to a sink)', controlAll));
    console.log(row('abused (abuse sent to the server)', abusedAll));
    const perRound = control.map((result, round) => (p99(abused[round] as WaveResult) / p99(result)).toFixed(2));
    console.log(`ITL p99 abused / control: ${(p99(abusedAll) / p99(controlAll)).toFixed(2)} (per round ${perRound.join(', ')}; target ≤ 1.20); abused / quiet: ${(p99(abusedAll) / p99(quietAll)).toFixed(2)}`);
    console.log(`worst /health: quiet ${Math.max(...quietAll.healthMs).toFixed(1)} ms, control ${Math.max(...controlAll.healthMs).toFixed(1)} ms, abused ${Math.max(...abusedAll.healthMs).toFixed(1)} ms (target < 100)`);
    console.log(`abusive requests answered during the abused waves: ${answers.length}: ${JSON.stringify(statuses)}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
