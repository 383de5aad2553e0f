/**
 * Scheduler + KV cost of one decode step, in µs, with 4, 32 and 256 running requests, prefix caching on and
 * off. The backend answers at once with a prebuilt result, so only the core's own work is timed.
 *
 *   npx tsx bench/coreStep.bench.ts [--steps 2000] [--repeats 7]
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { asRequestId } from '../src/core/contracts/ids.js';
import type { StepResult } from '../src/core/contracts/stepPlan.js';
import { createCoreHarness, promptOf } from '../test/support/coreHarness.js';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: number): number => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const stepsPerRepeat = argValue('--steps', 2000);
const repeats = argValue('--repeats', 7);

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median µs per decode step with `numRunning` requests decoding. */
function measureDecodeStep(numRunning: number, prefixCaching: boolean): number {
  const maxTokens = stepsPerRepeat * repeats + 200;
  const harness = createCoreHarness({ maxModelLen: 64 * Math.ceil((128 + maxTokens) / 64) + 64, maxNumSeqs: numRunning, maxNumBatchedTokens: 128, enablePrefixCaching: prefixCaching });
  const { core } = harness;
  core.setTracing(false);
  for (let index = 0; index < numRunning; index++) {
    core.addRequest({ requestId: asRequestId(`r${index}`), promptTokenIds: promptOf(100, index * 1000), maxTokens, ignoreEos: true });
  }
  const everyone: StepResult = { sampled: Array.from({ length: numRunning }, (_, index) => ({ requestId: asRequestId(`r${index}`), tokenId: 5 })) };
  // Admit everyone: prefill steps (and the interleaved decodes) until all are decoding.
  for (let guard = 0; guard < numRunning * 4 + 10 && harness.scheduler.runningRequests().filter((request) => request.isDecoding).length < numRunning; guard++) {
    const plan = core.beginStep();
    core.finishStep(plan?.kind === 'prefill' ? { sampled: [{ requestId: plan.requestId, tokenId: 5 }] } : everyone);
  }
  const samplesUs: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = performance.now();
    for (let step = 0; step < stepsPerRepeat; step++) {
      core.beginStep();
      core.finishStep(everyone);
    }
    samplesUs.push(((performance.now() - start) * 1000) / stepsPerRepeat);
  }
  return median(samplesUs);
}

const sizes = [4, 32, 256];
// Warm the JIT on every path first, so that the first configuration measured is not penalised.
for (const prefixCaching of [false, true]) for (const numRunning of sizes) measureDecodeStep(numRunning, prefixCaching);
const rows: string[] = [];
const results = new Map<string, number>();
for (const prefixCaching of [false, true]) {
  for (const numRunning of sizes) {
    const us = measureDecodeStep(numRunning, prefixCaching);
    results.set(`${numRunning}/${prefixCaching}`, us);
    rows.push(`| ${numRunning} | ${prefixCaching ? 'on' : 'off'} | ${us.toFixed(2)} | ${(us / numRunning).toFixed(3)} |`);
  }
}
console.log(`decode step cost, median of ${repeats} × ${stepsPerRepeat} steps (Node ${process.version})`);
console.log('| running requests | prefix caching | µs per step | µs per request |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
for (const prefixCaching of [false, true]) {
  const per4 = results.get(`4/${prefixCaching}`)! / 4;
  const per256 = results.get(`256/${prefixCaching}`)! / 256;
  console.log(`prefix caching ${prefixCaching ? 'on' : 'off'}: per-request cost at 256 / at 4 = ${(per256 / per4).toFixed(2)} (≤ 1 means no worse than linear)`);
}
