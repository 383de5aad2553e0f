// This engine vs transformers.js on the same model directory and prompts, greedy, fixed output length:
// single-request decode tokens/s, and output tokens/s with 16 and 64 concurrent requests. transformers.js
// is measured as a server would use it (n independent generate() calls) and in its best case (one static
// batch of all n prompts known up front). Both models stay loaded and the measurements alternate, each
// taken `--rounds` times; the table shows medians, and each ratio is the median of the per-round ratios.
// `--interleave 0` runs this engine with VLLM_SPYRE_CP_INTERLEAVE_STEPS=0 (prefill before decode: the
// throughput setting); the default interleaves prefill chunks with decode steps.
// Run: npx tsx bench/eager/eagerVsTransformersJs.bench.ts [--model DIR] [--tokens 32] [--rounds 3] [--interleave 0|1]
import 'reflect-metadata';
import { AutoModelForCausalLM, AutoTokenizer, BaseStreamer, env } from '@huggingface/transformers';
import { loadavg } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { createLlmEngine } from '../../src/app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import { median } from '../../sim/report/percentiles.js';
import { argValue, benchModelDir, benchPrompts } from './benchModel.js';

const modelDir = resolve(benchModelDir());
const outputTokens = Number(argValue('--tokens') ?? 32);
const rounds = Number(argValue('--rounds') ?? 3);
const interleave = argValue('--interleave') ?? '1';
const PROMPT_WORDS = 24;
const CONCURRENCY = [16, 64];

async function timeS(body: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await body();
  return (performance.now() - start) / 1000;
}

/** Decode tokens/s from the arrival times of the generated tokens (the first one closes the prefill). */
function decodeRate(stamps: readonly number[]): number {
  return (stamps.length - 1) / (((stamps.at(-1) as number) - (stamps[0] as number)) / 1000);
}

// ---- this engine ----
const created = await createLlmEngine({ flags: { model: modelDir, maxModelLen: 192, maxNumSeqs: 64, maxNumBatchedTokens: 128 }, env: { VLLM_SPYRE_CP_INTERLEAVE_STEPS: interleave }, logger: SILENT_LOGGER });
const params = { temperature: 0, maxTokens: outputTokens, ignoreEos: true };
await created.engine.generateBatch(benchPrompts(2, PROMPT_WORDS), { ...params, maxTokens: 4 }); // warm-up

const ours = {
  single: async (): Promise<number> => {
    const stamps: number[] = [];
    for await (const output of created.engine.generate(benchPrompts(1, PROMPT_WORDS)[0] as string, params)) if (output.kind === 'delta') stamps.push(performance.now());
    return decodeRate(stamps);
  },
  concurrent: async (n: number): Promise<number> => (n * outputTokens) / (await timeS(() => created.engine.generateBatch(benchPrompts(n, PROMPT_WORDS), params))),
};

// ---- transformers.js ----
/** Records when each generated token arrives (the first put() carries the prompt). */
class StampStreamer extends BaseStreamer {
  readonly stamps: number[] = [];
  private sawPrompt = false;
  override put(_value: bigint[][]): void {
    if (this.sawPrompt) this.stamps.push(performance.now());
    this.sawPrompt = true;
  }
  override end(): void {}
}

env.allowRemoteModels = false;
env.localModelPath = `${dirname(modelDir)}/`;
const tokenizer = await AutoTokenizer.from_pretrained(basename(modelDir));
tokenizer.padding_side = 'left';
const model = await AutoModelForCausalLM.from_pretrained(basename(modelDir), { dtype: 'fp32', device: 'cpu' });
const generation = { max_new_tokens: outputTokens, min_new_tokens: outputTokens, do_sample: false };
await model.generate({ ...tokenizer(benchPrompts(1, PROMPT_WORDS)), max_new_tokens: 4 }); // warm-up

const theirs = {
  single: async (): Promise<number> => {
    const streamer = new StampStreamer();
    await model.generate({ ...tokenizer(benchPrompts(1, PROMPT_WORDS)), ...generation, streamer: streamer as never });
    return decodeRate(streamer.stamps);
  },
  concurrent: async (n: number): Promise<number> =>
    (n * outputTokens) / (await timeS(() => Promise.all(benchPrompts(n, PROMPT_WORDS).map((prompt) => model.generate({ ...tokenizer(prompt), ...generation }))))),
  staticBatch: async (n: number): Promise<number> =>
    (n * outputTokens) / (await timeS(() => model.generate({ ...tokenizer(benchPrompts(n, PROMPT_WORDS), { padding: true }), ...generation }))),
};

/** `times` alternating runs of each measurement: the median of each, and the median of the per-round ratios ours / theirs and ours / staticBatch. */
async function medianOf(times: number, measurements: Record<string, () => Promise<number>>): Promise<{ medians: Record<string, number>; ratio: number; ratioVsStatic: number }> {
  const runs: Record<string, number[]> = {};
  const ratios: number[] = [];
  const ratiosVsStatic: number[] = [];
  for (let round = 0; round < times; round++) {
    const measured: Record<string, number> = {};
    for (const [name, measure] of Object.entries(measurements)) (runs[name] ??= []).push((measured[name] = await measure()));
    ratios.push((measured.ours as number) / (measured.theirs as number));
    if (measured.staticBatch !== undefined) ratiosVsStatic.push((measured.ours as number) / measured.staticBatch);
  }
  const medians = Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, median(values)]));
  return { medians, ratio: median(ratios), ratioVsStatic: ratiosVsStatic.length > 0 ? median(ratiosVsStatic) : NaN };
}

const loadBefore = loadavg()[0] as number;
const single = await medianOf(rounds, { ours: ours.single, theirs: theirs.single });
const rows = [{ figure: 'single_decode_tok_s', spyre_engine: single.medians.ours as number, transformers_js: single.medians.theirs as number, ratio: single.ratio, tjs_static_batch: NaN, ratio_vs_static: NaN }];
for (const n of CONCURRENCY) {
  const measured = await medianOf(rounds, { ours: () => ours.concurrent(n), theirs: () => theirs.concurrent(n), staticBatch: () => theirs.staticBatch(n) });
  rows.push({ figure: `concurrent_${n}_output_tok_s`, spyre_engine: measured.medians.ours as number, transformers_js: measured.medians.theirs as number, ratio: measured.ratio, tjs_static_batch: measured.medians.staticBatch as number, ratio_vs_static: measured.ratioVsStatic });
}
const loadAfter = loadavg()[0] as number;
await created.close();
await model.dispose();

const fixed = (value: number, digits: number): number | null => (Number.isNaN(value) ? null : Number(value.toFixed(digits)));
const table = rows.map((row) => ({
  figure: row.figure,
  spyre_engine: fixed(row.spyre_engine, 1),
  transformers_js: fixed(row.transformers_js, 1),
  ratio: fixed(row.ratio, 2),
  tjs_static_batch: fixed(row.tjs_static_batch, 1),
  ratio_vs_static: fixed(row.ratio_vs_static, 2),
}));
process.stdout.write(`model ${modelDir}, ${outputTokens} output tokens per request, prompts of ${PROMPT_WORDS} words, greedy; interleave ${interleave}; medians of ${rounds} alternating rounds, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}\n`);
console.table(table);
process.stdout.write(`${JSON.stringify(table)}\n`);
