/**
 * Simulator speed: simulated requests per wall-clock second, and how the cost grows with the number of
 * requests. Each run is a full `simulateScenario` (workload generation, the real engine core, metrics and
 * the report), with no trace kept, on one thread.
 *
 *   npx tsx bench/simSpeed.bench.ts [--sizes 1000,10000,100000] [--seqs 32] [--rate 6] [--repeats 3]
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { simulateScenario } from '../sim/run/simulateScenario.js';
import { parseScenario } from '../sim/scenario/loadScenario.js';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: string): string => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1]! : fallback;
};
const sizes = argValue('--sizes', '1000,10000,100000').split(',').map(Number);
const maxNumSeqs = Number(argValue('--seqs', '32'));
const repeats = Number(argValue('--repeats', '3'));
/** Arrival rate, requests/s. The default keeps the illustrative profile just below saturation at 32 seqs. */
const rate = Number(argValue('--rate', '6'));

/** A chat-like workload (mean prompt 256, mean output 72) at `rate` requests/s. */
function scenario(numRequests: number) {
  return parseScenario(
    {
      config: { max_model_len: 2048, max_num_seqs: maxNumSeqs, max_num_batched_tokens: 512 },
      workload: {
        num_requests: numRequests,
        seed: 1,
        arrival: { process: 'poisson', rate },
        prompt_len: { dist: 'lognormal', mean: 256, std: 128, max: 1024 },
        output_len: { dist: 'uniform', min: 16, max: 128 },
      },
      cost_model: { profile: 'spyre-illustrative' },
    },
    'bench',
  );
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

simulateScenario(scenario(2000), '.'); // warm the JIT
const lines: string[] = [];
for (const size of sizes) {
  const wallS: number[] = [];
  let steps = 0;
  let completed = 0;
  const runs = size >= 100_000 ? 1 : repeats;
  for (let repeat = 0; repeat < runs; repeat++) {
    const start = performance.now();
    const report = simulateScenario(scenario(size), '.');
    wallS.push((performance.now() - start) / 1000);
    steps = report.steps.prefill + report.steps.decode + report.steps.idle;
    completed = report.requests.completed;
  }
  const seconds = median(wallS);
  lines.push(
    `requests ${String(size).padStart(7)}  completed ${String(completed).padStart(7)}  steps ${String(steps).padStart(8)}  wall ${seconds.toFixed(2).padStart(6)} s  ` +
      `${Math.round(size / seconds).toLocaleString('en-US').padStart(7)} req/s  ${((seconds * 1e6) / steps).toFixed(2).padStart(6)} µs/step  heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
  );
  console.log(lines.at(-1));
}
console.log(`Poisson ${rate} req/s, max_num_seqs ${maxNumSeqs}, chunk 512, spyre-illustrative; median of ${repeats} runs (1 for 100k), node ${process.version}`);
