/**
 * Head-of-line blocking under hostile load, in one run: `spyre serve` on the tiny preset (a child process),
 * 32 streams decoding at once, twice — quiet, then while a second child process sends large (just under the
 * 4 MiB body limit) and malformed bodies in a loop (bench/headOfLineAbuser.ts). /health is probed every
 * 20 ms throughout. Prints the streams' ITL (gap between content events) p50/p99 in both phases and their
 * ratio (target: p99 within 20%), and the worst /health latency of each phase (target: under 100 ms).
 *
 *   npx tsx bench/headOfLine.bench.ts [--model DIR] [--streams 32] [--tokens 128] [--rounds 3]
 *
 * Each phase runs `--rounds` waves of `--streams` streams of `--tokens` output tokens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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

interface PhaseResult {
  readonly itlMs: number[];
  readonly healthMs: number[];
}

async function phase(baseUrl: string): Promise<PhaseResult> {
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
  const itlMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const gaps = await Promise.all(Array.from({ length: NUM_STREAMS }, (_, index) => streamGaps(baseUrl, round * NUM_STREAMS + index)));
    itlMs.push(...gaps.flat());
  }
  done = true;
  await probing;
  return { itlMs, healthMs };
}

function startAbuser(baseUrl: string): Promise<{ child: ChildProcess; summary: Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ABUSER, baseUrl, SERVED_MODEL], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve) => {
    let resolveSummary: (line: string) => void = () => undefined;
    const summary = new Promise<string>((done) => (resolveSummary = done));
    lines.on('line', (line) => {
      if (line === 'ready') resolve({ child, summary });
      else resolveSummary(line);
    });
  });
}

function row(name: string, result: PhaseResult): string {
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
    await phase(baseUrl); // warm-up: first requests, JIT
    const quiet = await phase(baseUrl);
    const { child, summary } = await startAbuser(baseUrl);
    const abused = await phase(baseUrl);
    child.kill('SIGTERM');
    const abuse = JSON.parse(await summary) as { sent: number; statuses: Record<string, number> };
    console.log(`tiny preset, ${NUM_STREAMS} streams x ${OUTPUT_TOKENS} tokens x ${ROUNDS} waves per phase; Node ${process.version}`);
    console.log('| phase | ITL samples | ITL p50 ms | ITL p99 ms | /health probes | /health p50 ms | /health worst ms |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(row('quiet', quiet));
    console.log(row('abused', abused));
    console.log(`ITL p99 abused / quiet: ${(quantile(abused.itlMs, 0.99) / quantile(quiet.itlMs, 0.99)).toFixed(2)} (target ≤ 1.20); worst /health while abused: ${Math.max(...abused.healthMs).toFixed(1)} ms (target < 100)`);
    console.log(`abusive requests answered: ${abuse.sent}, statuses ${JSON.stringify(abuse.statuses)}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
