// Tensor parallelism on the emulated cards: the native batch-1 decode step and decode tokens/s on 1 card vs
// 2 cards for the 100M preset (shaped so its heads split: 8 heads of 72, 4 KV heads), measured in one run,
// interleaved; and the overhead of the card threads (wake-up + one barrier per all-reduce) on the tiny
// preset, whose steps compute almost nothing.
// Run: npx tsx bench/sendnnTensorParallel.bench.ts [--repeats 5] [--steps 40] [--skip-100m]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunBuffers } from '../src/backends/sendnn/runBuffers.js';
import { openSendnnSession, type SendnnSession } from '../src/backends/sendnn/sendnnSession.js';
import { resolveEngineConfig } from '../src/core/config/resolveEngineConfig.js';
import { asRequestId } from '../src/core/contracts/ids.js';
import { SILENT_LOGGER } from '../src/core/contracts/logger.js';
import type { DecodeBatchPlan } from '../src/core/contracts/stepPlan.js';
import { buildModel, type BuildModelOptions, type PresetName } from '../src/models/build/index.js';

const argValue = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const repeats = Number(argValue('--repeats') ?? 5);
const steps = Number(argValue('--steps') ?? 40);
const flags = { maxModelLen: 256, maxNumSeqs: 1, maxNumBatchedTokens: 64 };
const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function modelDir(name: string, preset: PresetName, presetOverrides: BuildModelOptions['presetOverrides']): string {
  const dir = join('.cache', 'bench-models', name);
  if (!existsSync(join(dir, 'config.json'))) {
    process.stderr.write(`building ${name} into ${dir} …\n`);
    buildModel({ preset, outDir: dir, presetOverrides });
  }
  return dir;
}

function open(dir: string, cards: number): SendnnSession {
  const config = resolveEngineConfig({ model: dir, ...flags, tensorParallelSize: cards }, { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, SILENT_LOGGER);
  return openSendnnSession(config, SILENT_LOGGER, { deviceMemoryBytes: 64 * 1024 ** 3 });
}

/** Microseconds of one native batch-1 decode run at tkv 128 (inputs filled once), mean of `steps`. */
function decodeStepUs(session: SendnnSession): number {
  const program = session.decodeProgramFor(1)!;
  const buffers = new RunBuffers(program.shape, session.model.desc.vocabSize);
  const plan: DecodeBatchPlan = { kind: 'decode', tkv: 128, rows: [{ requestId: asRequestId('x'), sampling: {}, tokenId: 5, position: 100, blockTable: [1, 2], paddingBlocks: 0, numPromptTokens: 100 }] };
  const inputs = buffers.fillDecode(plan);
  session.library.runProgram(program.handle, session.kv, inputs);
  const start = performance.now();
  for (let i = 0; i < steps; i++) session.library.runProgram(program.handle, session.kv, inputs);
  return ((performance.now() - start) * 1000) / steps;
}

/** The median step per card count, the card counts measured in turn within each repeat. */
function interleaved(dir: string, cardCounts: readonly number[]): Map<number, number> {
  const sessions = cardCounts.map((cards) => open(dir, cards));
  const samples = cardCounts.map(() => [] as number[]);
  try {
    for (let r = 0; r < repeats; r++) sessions.forEach((session, i) => samples[i]?.push(decodeStepUs(session)));
  } finally {
    for (const session of sessions) session.close();
  }
  return new Map(cardCounts.map((cards, i) => [cards, median(samples[i] as number[])]));
}

const figures: Record<string, number> = {};
const tiny = interleaved(modelDir('tiny-mha', 'tiny', { numKeyValueHeads: 4 }), [1, 2, 4]);
for (const [cards, us] of tiny) figures[`tiny_decode_b1_tp${cards}_us`] = us;
// 2 layers: one wake-up and 2 × 2 + 1 all-reduce barriers per step.
figures.card_threads_overhead_tp2_us = (tiny.get(2) as number) - (tiny.get(1) as number);
figures.card_threads_overhead_tp4_us = (tiny.get(4) as number) - (tiny.get(1) as number);
if (!process.argv.includes('--skip-100m')) {
  const big = interleaved(modelDir('small-100m-tp', 'small-100m', { numAttentionHeads: 8, numKeyValueHeads: 4, headDim: 72 }), [1, 2]);
  const tp1 = big.get(1) as number;
  const tp2 = big.get(2) as number;
  Object.assign(figures, {
    small100m_decode_b1_tp1_ms: tp1 / 1000, small100m_decode_b1_tp2_ms: tp2 / 1000,
    small100m_decode_b1_tp1_tok_s: 1e6 / tp1, small100m_decode_b1_tp2_tok_s: 1e6 / tp2, tp2_speedup_x: tp1 / tp2,
  });
}
process.stdout.write(`OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS ?? '(unset)'}, ${repeats} repeats × ${steps} steps, max_model_len ${flags.maxModelLen}, batch 1, tkv 128\n`);
console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value: Number(value.toFixed(value < 10 ? 3 : 1)) })));
process.stdout.write(`${JSON.stringify(figures)}\n`);
