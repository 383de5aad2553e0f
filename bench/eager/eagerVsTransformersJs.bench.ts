// This engine vs transformers.js on the same model directory and prompts, greedy, fixed output length:
// single-request decode tokens/s, and output tokens/s with 16 and 64 concurrent requests.
// Run: npx tsx bench/eager/eagerVsTransformersJs.bench.ts [--model DIR] [--tokens 64]
import 'reflect-metadata';
import { AutoModelForCausalLM, AutoTokenizer, BaseStreamer, env } from '@huggingface/transformers';
import { basename, dirname, resolve } from 'node:path';
import { createLlmEngine } from '../../src/app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import { argValue, benchModelDir, benchPrompts } from './benchModel.js';

const modelDir = resolve(benchModelDir());
const outputTokens = Number(argValue('--tokens') ?? 64);
const PROMPT_WORDS = 24;
const CONCURRENCY = [16, 64];

async function timeS<T>(body: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await body();
  return [value, (performance.now() - start) / 1000];
}

// ---- this engine ----
async function engineFigures(): Promise<Record<string, number>> {
  const created = await createLlmEngine({
    flags: { model: modelDir, maxModelLen: 192, maxNumSeqs: 64, maxNumBatchedTokens: 128 },
    env: {}, logger: SILENT_LOGGER,
  });
  const params = { temperature: 0, maxTokens: outputTokens, ignoreEos: true };
  try {
    await created.engine.generateBatch(benchPrompts(2, PROMPT_WORDS), { ...params, maxTokens: 4 }); // warm-up
    const stamps: number[] = [];
    for await (const output of created.engine.generate(benchPrompts(1, PROMPT_WORDS)[0] as string, params)) {
      if (output.kind === 'delta') stamps.push(performance.now());
    }
    const figures: Record<string, number> = { single_decode_tok_s: (stamps.length - 1) / (((stamps.at(-1) as number) - (stamps[0] as number)) / 1000) };
    for (const n of CONCURRENCY) {
      const [results, seconds] = await timeS(() => created.engine.generateBatch(benchPrompts(n, PROMPT_WORDS), params));
      const produced = results.reduce((sum, r) => sum + (r.kind === 'final' ? r.usage.completionTokens : 0), 0);
      figures[`concurrent_${n}_output_tok_s`] = produced / seconds;
    }
    return figures;
  } finally {
    await created.close();
  }
}

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

async function transformersJsFigures(): Promise<Record<string, number>> {
  env.allowRemoteModels = false;
  env.localModelPath = `${dirname(modelDir)}/`;
  const name = basename(modelDir);
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  tokenizer.padding_side = 'left';
  const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32', device: 'cpu' });
  const generation = { max_new_tokens: outputTokens, min_new_tokens: outputTokens, do_sample: false };
  await model.generate({ ...tokenizer(benchPrompts(1, PROMPT_WORDS)), max_new_tokens: 4 }); // warm-up
  const streamer = new StampStreamer();
  await model.generate({ ...tokenizer(benchPrompts(1, PROMPT_WORDS)), ...generation, streamer: streamer as never });
  const stamps = streamer.stamps;
  const figures: Record<string, number> = { single_decode_tok_s: (stamps.length - 1) / (((stamps.at(-1) as number) - (stamps[0] as number)) / 1000) };
  for (const n of CONCURRENCY) {
    // What a server built on it does with n concurrent requests: n independent generate() calls.
    const [, concurrentS] = await timeS(() => Promise.all(benchPrompts(n, PROMPT_WORDS).map((prompt) => model.generate({ ...tokenizer(prompt), ...generation }))));
    figures[`concurrent_${n}_output_tok_s`] = (n * outputTokens) / concurrentS;
    // Its best case: one static batch of all n prompts known up front, left-padded (it has no continuous batching).
    const inputs = tokenizer(benchPrompts(n, PROMPT_WORDS), { padding: true });
    const [, staticS] = await timeS(() => model.generate({ ...inputs, ...generation }));
    figures[`static_batch_${n}_output_tok_s`] = (n * outputTokens) / staticS;
  }
  await model.dispose();
  return figures;
}

const ours = await engineFigures();
const theirs = await transformersJsFigures();
const round = (value: number | undefined, digits: number): number | null => (value === undefined ? null : Number(value.toFixed(digits)));
const rows = Object.keys(ours).map((key) => {
  const staticKey = key.replace('concurrent_', 'static_batch_');
  return {
    figure: key,
    spyre_engine: round(ours[key], 1),
    transformers_js: round(theirs[key], 1),
    ratio: round((ours[key] as number) / (theirs[key] as number), 2),
    tjs_static_batch: staticKey === key ? null : round(theirs[staticKey], 1),
    ratio_vs_static: staticKey === key ? null : round((ours[key] as number) / (theirs[staticKey] as number), 2),
  };
});
process.stdout.write(`model ${modelDir}, ${outputTokens} output tokens per request, prompts of ${PROMPT_WORDS} words, greedy\n`);
console.table(rows);
process.stdout.write(`${JSON.stringify(rows)}\n`);
