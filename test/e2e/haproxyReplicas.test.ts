// Three `spyre serve` replicas behind a real HAProxy (deploy/haproxy.cfg's settings) on loopback: a few
// hundred streaming requests, some abandoned by their client, one replica sent SIGTERM mid-load.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultModel } from '../../src/cli/commands/defaultModel.js';
import { streamRequest, type StreamedCompletion } from './support/sseClient.js';
import { freePort, until } from '../support/loopback.js';

const SPYRE = join(import.meta.dirname, '..', '..', 'bin', 'spyre.js');
const HAPROXY_CFG = join(import.meta.dirname, '..', '..', 'deploy', 'haproxy.cfg');
const haveHaproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
if (!haveHaproxy) process.stderr.write('haproxyReplicas.test.ts skipped: haproxy is not installed (apt-get install haproxy; .ci/run installs it).\n');

const REQUESTS = 240;
const CONCURRENCY = 24;
const SIGTERM_AFTER = 60;
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

let root: string;
let modelDir: string;
let replicaPorts: number[] = [];
let routerPort = 0;
const replicas: ChildProcess[] = [];
let haproxy: ChildProcess | undefined;

async function gauge(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name}{`));
  if (line === undefined) throw new Error(`no ${name} on replica :${port}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The test's copy of deploy/haproxy.cfg: free loopback ports and fast health checks. */
function routerConfig(): string {
  const servers = replicaPorts.map((port, index) => `    server replica${index} 127.0.0.1:${port} check`).join('\n');
  return readFileSync(HAPROXY_CFG, 'utf8')
    .replace('bind 127.0.0.1:8080', `bind 127.0.0.1:${routerPort}`)
    // Checked often so the drain is seen at once, but a replica starved of CPU for one slow check (two cores,
    // four busy processes) must not leave the pool: three misses in a row take it out.
    .replace('inter 1s fall 1', 'inter 100ms fall 3')
    .replace(/( {4}server replica\d .*\n?)+/, `${servers}\n`);
}

beforeAll(async () => {
  if (!haveHaproxy) return;
  root = mkdtempSync(join(tmpdir(), 'spyre-haproxy-'));
  modelDir = ensureDefaultModel(join(root, 'tiny'), quiet);
  replicaPorts = [await freePort(), await freePort(), await freePort()];
  routerPort = await freePort();
  for (const port of replicaPorts) {
    const flags = ['serve', modelDir, '--port', String(port), '--max-model-len', '2048', '--max-num-batched-tokens', '128', '--max-num-seqs', '8', '--log-level', 'error', '--disable-log-requests'];
    replicas.push(spawn(process.execPath, [SPYRE, ...flags], { stdio: 'ignore' }));
  }
  await Promise.all(replicaPorts.map((port) => until(`replica :${port}`, async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 40_000)));
  const cfg = join(root, 'haproxy.cfg');
  writeFileSync(cfg, routerConfig());
  haproxy = spawn('haproxy', ['-f', cfg, '-db'], { stdio: 'ignore' });
  await until('haproxy', async () => (await fetch(`http://127.0.0.1:${routerPort}/health`)).status === 200, 10_000);
}, 60_000);

afterAll(() => {
  haproxy?.kill('SIGKILL');
  for (const child of replicas) if (child.exitCode === null) child.kill('SIGKILL');
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

type Outcome = { readonly kind: 'streamed'; readonly result: StreamedCompletion; readonly maxTokens: number } | { readonly kind: 'hung' } | { readonly kind: 'failed'; readonly message: string };

async function oneRequest(index: number): Promise<Outcome> {
  const maxTokens = 8 + (index % 5) * 8;
  const body = { model: modelDir, prompt: `Request ${index} says`, max_tokens: maxTokens, ignore_eos: true, stream: true, stream_options: { include_usage: true } };
  const abandon = index % 10 === 3 ? 2 : undefined;
  const timeout = new Promise<Outcome>((resolve) => setTimeout(() => resolve({ kind: 'hung' }), 20_000).unref());
  const streamed = streamRequest(`http://127.0.0.1:${routerPort}/v1/completions`, body, abandon).then(
    (result): Outcome => ({ kind: 'streamed', result, maxTokens }),
    (error: unknown): Outcome => ({ kind: 'failed', message: (error as Error).message }),
  );
  return Promise.race([streamed, timeout]);
}

describe.skipIf(!haveHaproxy)('having three spyre serve replicas behind HAProxy with leastconn and /health checks', () => {
  describe('when a few hundred streaming requests run, some abandoned, and one replica gets SIGTERM mid-load', () => {
    it('should finish every kept request in full or with a clear error, hang none, exit the drained replica 0 and idle the others', async () => {
      const outcomes: Outcome[] = [];
      let next = 0;
      let drainedExit: Promise<number | null> | undefined;
      const drained = replicas[1]!;
      const worker = async (): Promise<void> => {
        while (next < REQUESTS) {
          const index = next++;
          if (index === SIGTERM_AFTER) {
            drainedExit = new Promise((resolve) => drained.once('exit', (code) => resolve(code)));
            drained.kill('SIGTERM');
          }
          outcomes[index] = await oneRequest(index);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));

      const problems: string[] = [];
      outcomes.forEach((outcome, index) => {
        if (outcome.kind !== 'streamed') return problems.push(`request ${index}: ${outcome.kind === 'hung' ? 'hung' : outcome.message}`);
        const { result, maxTokens } = outcome;
        if (result.disconnected) return;
        if (result.status !== 200) return; // a clear error: an HTTP status with OpenAI's error body
        const usage = result.events.at(-1)?.['usage'] as { completion_tokens: number } | undefined;
        if (!result.sawDone || usage?.completion_tokens !== maxTokens) problems.push(`request ${index}: ${usage?.completion_tokens ?? 'no'} of ${maxTokens} tokens, [DONE] ${result.sawDone}`);
      });
      expect(problems).toEqual([]);
      const statuses = outcomes.map((outcome) => (outcome.kind === 'streamed' && !outcome.result.disconnected ? outcome.result.status : 0)).filter((status) => status !== 0);
      const refused = statuses.filter((status) => status !== 200);
      expect(statuses.length - refused.length, `kept requests answered ${refused.join(', ')} instead of 200`).toBeGreaterThan(REQUESTS * 0.8);
      expect(await drainedExit).toBe(0);
      for (const port of [replicaPorts[0]!, replicaPorts[2]!]) {
        await until(`replica :${port} idle`, async () => (await gauge(port, 'vllm:num_requests_running')) === 0 && (await gauge(port, 'vllm:num_requests_waiting')) === 0, 5_000);
      }
    }, 60_000);
  });
});
