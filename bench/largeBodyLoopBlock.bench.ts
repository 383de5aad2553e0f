/**
 * How long each abusive body (test/support/abusiveBodies.ts: just under the 4 MiB body limit, well-formed
 * and not) holds the server's event loop: the server runs in this process (the tiny preset, no other
 * request), the client in a child process (so sending costs this loop nothing); per body, the longest
 * event-loop stall while it is received, parsed, checked and answered (perf_hooks' monitorEventLoopDelay,
 * 1 ms resolution) and the answer's latency. The tokenizer worker is warmed first, so its start is not
 * counted. Prints, per body, the median over the rounds of both figures.
 *
 *   npx tsx bench/largeBodyLoopBlock.bench.ts [--rounds 5]
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { abusiveBodies } from '../test/support/abusiveBodies.js';
import { SERVED_MODEL, startServerRig } from '../test/e2e/support/serverRig.js';

const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf('--rounds') + 1] || 5);

const CLIENT = `
import { abusiveBodies } from ${JSON.stringify(new URL('../test/support/abusiveBodies.ts', import.meta.url).href)};
import { createInterface } from 'node:readline';
const [baseUrl, model] = process.argv.slice(-2);
const bodies = abusiveBodies(model);
process.stdout.write('ready\\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { path, body } = bodies[Number(line)];
  const start = performance.now();
  const response = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await response.text();
  process.stdout.write(response.status + ' ' + (performance.now() - start).toFixed(1) + '\\n');
}`;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const rig = await startServerRig({ flags: { maxModelLen: 512 } });
const client = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CLIENT, rig.baseUrl, SERVED_MODEL], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: client.stdout });
const nextLine = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
await nextLine();
const send = async (index: number): Promise<{ status: string; ms: number }> => {
  const answered = nextLine();
  client.stdin.write(`${index}\n`);
  const [status, ms] = (await answered).split(' ');
  return { status: status as string, ms: Number(ms) };
};
const names = abusiveBodies(SERVED_MODEL).map((body) => body.name);
await send(0); // warms the tokenizer worker (its start is a one-off)
const stalls: number[][] = names.map(() => []);
const latencies: number[][] = names.map(() => []);
const statuses = names.map(() => '');
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
for (let round = 0; round < ROUNDS; round++) {
  for (let index = 0; index < names.length; index++) {
    histogram.reset();
    const { status, ms } = await send(index);
    stalls[index]!.push(histogram.max / 1e6);
    latencies[index]!.push(ms);
    statuses[index] = status;
  }
}
// The same machine's floor: the longest stall over an idle wait as long as a median answer.
const idle: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  histogram.reset();
  await new Promise((resolve) => setTimeout(resolve, 50));
  idle.push(histogram.max / 1e6);
}
histogram.disable();
console.log(`tiny preset, in-process server, the client in a child process; medians of ${ROUNDS} rounds; Node ${process.version}`);
console.log('| body | status | longest event-loop stall ms | answer ms |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| (no request: 50 ms idle) | | ${median(idle).toFixed(1)} | |`);
names.forEach((name, index) => console.log(`| ${name} | ${statuses[index]} | ${median(stalls[index]!).toFixed(1)} | ${median(latencies[index]!).toFixed(0)} |`));
client.kill();
await rig.close();
