// Engine step time over raw onnxruntime session time for the same shapes: the time inside session.run
// for the very calls the runner makes, against (a) the runner's execute() (gather, scatter, sampling) and
// (b) the whole engine loop (scheduler, step trace, detokenization, yielding to the event loop).
// The workload runs once cold (the KV store's pages and the decode buffers are touched for the first time:
// reported, not counted), then `--rounds` times warm, as a serving engine runs; the table gives the medians.
// Run: npx tsx bench/eager/eagerStepOverhead.bench.ts [--model DIR] [--requests 16] [--tokens 64] [--rounds 3] [--interleave 0|1]
import 'reflect-metadata';
import { resolve } from 'node:path';
import { createLlmEngine } from '../../src/app/createLlmEngine.js';
import { EagerRunner } from '../../src/backends/eager/eagerRunner.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import type { StepPlan, StepResult } from '../../src/core/contracts/stepPlan.js';
import { median } from '../../sim/report/percentiles.js';
import { argValue, benchModelDir, benchPrompts } from './benchModel.js';

const modelDir = resolve(benchModelDir());
const numRequests = Number(argValue('--requests') ?? 16);
const outputTokens = Number(argValue('--tokens') ?? 64);
const rounds = Number(argValue('--rounds') ?? 3);
const interleave = argValue('--interleave') ?? '1';

const created = await createLlmEngine({ flags: { model: modelDir, maxModelLen: 192, maxNumSeqs: numRequests, maxNumBatchedTokens: 128 }, env: { VLLM_SPYRE_CP_INTERLEAVE_STEPS: interleave }, logger: SILENT_LOGGER });
const session = created.eagerModel?.session;
if (session === undefined) throw new Error('eager runs the model through its onnxruntime session');
const runner = created.container.get(EagerRunner);

type Kind = StepPlan['kind'];
const sessionS: Record<Kind, number> = { prefill: 0, decode: 0 };
const executeS: Record<Kind, number> = { prefill: 0, decode: 0 };
const steps: Record<Kind, number> = { prefill: 0, decode: 0 };
let currentKind: Kind = 'prefill';

const run = session.run.bind(session);
(session as { run: typeof session.run }).run = (async (...args: Parameters<typeof session.run>) => {
  const start = performance.now();
  const out = await run(...args);
  sessionS[currentKind] += (performance.now() - start) / 1000;
  return out;
}) as typeof session.run;
const execute = runner.execute.bind(runner);
runner.execute = async (plan: StepPlan): Promise<StepResult> => {
  currentKind = plan.kind;
  const start = performance.now();
  const result = await execute(plan);
  executeS[plan.kind] += (performance.now() - start) / 1000;
  steps[plan.kind] += 1;
  return result;
};

const params = { temperature: 0, maxTokens: outputTokens, ignoreEos: true };
await created.engine.generateBatch(benchPrompts(2, 24), { ...params, maxTokens: 4 }); // compiles the code paths

interface Row { what: string; steps: number; session_s: number; step_s: number; overhead_pct: number }
const pct = (part: number, whole: number): number => 100 * (part / whole - 1);

/** One run of the whole workload: per step kind, runner execute vs session.run, and the whole engine loop vs session.run. */
async function measureRound(): Promise<Row[]> {
  for (const kind of ['prefill', 'decode'] as const) { sessionS[kind] = 0; executeS[kind] = 0; steps[kind] = 0; }
  const start = performance.now();
  await created.engine.generateBatch(benchPrompts(numRequests, 24), params);
  const totalS = (performance.now() - start) / 1000;
  const sessionTotal = sessionS.prefill + sessionS.decode;
  return [
    { what: 'prefill steps: runner execute vs session.run', steps: steps.prefill, session_s: sessionS.prefill, step_s: executeS.prefill, overhead_pct: pct(executeS.prefill, sessionS.prefill) },
    { what: 'decode steps: runner execute vs session.run', steps: steps.decode, session_s: sessionS.decode, step_s: executeS.decode, overhead_pct: pct(executeS.decode, sessionS.decode) },
    { what: 'whole engine loop vs session.run', steps: steps.prefill + steps.decode, session_s: sessionTotal, step_s: totalS, overhead_pct: pct(totalS, sessionTotal) },
  ];
}

const cold = await measureRound();
const warm: Row[][] = [];
for (let round = 0; round < rounds; round++) warm.push(await measureRound());
await created.close();

const fixed = (row: Row): Row => ({ ...row, session_s: Number(row.session_s.toFixed(3)), step_s: Number(row.step_s.toFixed(3)), overhead_pct: Number(row.overhead_pct.toFixed(1)) });
const rows = cold.map((row, index) => fixed({
  what: row.what,
  steps: row.steps,
  session_s: median(warm.map((round) => (round[index] as Row).session_s)),
  step_s: median(warm.map((round) => (round[index] as Row).step_s)),
  overhead_pct: median(warm.map((round) => (round[index] as Row).overhead_pct)),
}));
const perRound = warm.map((round) => Number((round[2] as Row).overhead_pct.toFixed(1)));
process.stdout.write(`model ${modelDir}, ${numRequests} requests × ${outputTokens} output tokens, chunk 128, greedy, interleave ${interleave}; medians of ${rounds} warm rounds\n`);
console.table(rows);
process.stdout.write(`whole engine overhead per warm round: ${perRound.join(', ')} %; cold first round: ${(cold[2] as Row).overhead_pct.toFixed(1)} %\n`);
process.stdout.write(`${JSON.stringify(rows)}\n`);
