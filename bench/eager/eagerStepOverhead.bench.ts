// Engine step time over raw onnxruntime session time for the same shapes: the time inside session.run
// for the very calls the runner makes, against (a) the runner's execute() (gather, scatter, sampling) and
// (b) the whole engine loop (scheduler, step trace, detokenization, yielding to the event loop).
// Run: npx tsx bench/eager/eagerStepOverhead.bench.ts [--model DIR] [--requests 16] [--tokens 64]
import 'reflect-metadata';
import { resolve } from 'node:path';
import { createLlmEngine } from '../../src/app/createLlmEngine.js';
import { EagerRunner } from '../../src/backends/eager/eagerRunner.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import type { StepPlan, StepResult } from '../../src/core/contracts/stepPlan.js';
import { argValue, benchModelDir, benchPrompts } from './benchModel.js';

const modelDir = resolve(benchModelDir());
const numRequests = Number(argValue('--requests') ?? 16);
const outputTokens = Number(argValue('--tokens') ?? 64);

const created = await createLlmEngine({ flags: { model: modelDir, maxModelLen: 192, maxNumSeqs: numRequests, maxNumBatchedTokens: 128 }, env: {}, logger: SILENT_LOGGER });
const session = created.model.session;
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
await created.engine.generateBatch(benchPrompts(2, 24), { ...params, maxTokens: 4 }); // warm-up
for (const kind of ['prefill', 'decode'] as const) { sessionS[kind] = 0; executeS[kind] = 0; steps[kind] = 0; }
const start = performance.now();
await created.engine.generateBatch(benchPrompts(numRequests, 24), params);
const totalS = (performance.now() - start) / 1000;
await created.close();

const pct = (part: number, whole: number): number => Number((100 * (part / whole - 1)).toFixed(1));
const sessionTotal = sessionS.prefill + sessionS.decode;
const rows = [
  { what: 'prefill steps: runner execute vs session.run', steps: steps.prefill, session_s: sessionS.prefill, step_s: executeS.prefill, overhead_pct: pct(executeS.prefill, sessionS.prefill) },
  { what: 'decode steps: runner execute vs session.run', steps: steps.decode, session_s: sessionS.decode, step_s: executeS.decode, overhead_pct: pct(executeS.decode, sessionS.decode) },
  { what: 'whole engine loop vs session.run', steps: steps.prefill + steps.decode, session_s: sessionTotal, step_s: totalS, overhead_pct: pct(totalS, sessionTotal) },
].map((row) => ({ ...row, session_s: Number(row.session_s.toFixed(3)), step_s: Number(row.step_s.toFixed(3)) }));
process.stdout.write(`model ${modelDir}, ${numRequests} requests × ${outputTokens} output tokens, chunk 128, greedy\n`);
console.table(rows);
process.stdout.write(`${JSON.stringify(rows)}\n`);
