/**
 * Embeddings per second of the pooling engine (static batching on one warmup shape at a time, eager
 * encoder runner) against transformers.js feature extraction (pipeline 'feature-extraction', mean pooling,
 * normalised) on the same model directory, the same texts and the same batch sizes, one onnxruntime thread
 * each, timed in alternating slots. Also prints the smallest cosine between the two implementations' vectors.
 *
 *   npx tsx bench/pooling.bench.ts [--model DIR] [--seconds 3] [--threads 1]
 *
 * Without --model it builds two generated encoders: tiny-embed (hidden 64, 2 layers) and a MiniLM-L6-shaped
 * variant of it (hidden 384, 6 layers, 12 heads, FFN 1536).
 */
import 'reflect-metadata';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPoolingEngine } from '../src/app/createPoolingEngine.js';
import { TokenizerPoolingTextEncoder } from '../src/app/poolingTextEncoder.js';
import { SILENT_LOGGER } from '../src/core/contracts/logger.js';
import type { WarmupShape } from '../src/core/contracts/config.js';
import { buildEncoderModel } from '../src/models/build/encoder/index.js';
import { readModelDir } from '../src/models/dir/index.js';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const seconds = Number(argValue('--seconds') ?? 3);
const threads = Number(argValue('--threads') ?? 1);
const SHAPES: readonly WarmupShape[] = [
  { promptLength: 64, batchSize: 1 },
  { promptLength: 64, batchSize: 8 },
  { promptLength: 128, batchSize: 4 },
  { promptLength: 256, batchSize: 2 },
  { promptLength: 512, batchSize: 1 },
];

const WORDS = 'the a serving engine schedules requests batches them and streams tokens back to each client when queue is full new wait until running one finishes frees its blocks quick brown fox jumps over lazy dog'.split(' ');

/** `count` texts whose token counts are spread over [promptLength/2, promptLength - 2]. */
function textsFor(modelDir: string, promptLength: number, count: number): string[] {
  const encoder = TokenizerPoolingTextEncoder.fromModelDir(readModelDir(modelDir));
  let state = promptLength * 7919;
  const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8;
  return Array.from({ length: count }, () => {
    const target = Math.floor(promptLength / 2) + (next() % Math.floor(promptLength / 2 - 1));
    const words: string[] = [];
    while (encoder.encode([...words, 'x'].join(' ')).tokenIds.length <= target) words.push(WORDS[next() % WORDS.length]!);
    return words.join(' ');
  });
}

/** Embeddings counted and seconds spent by one side of the comparison. */
interface Tally {
  embeddings: number;
  seconds: number;
}

/** Calls `step` (one batch of `batchSize` embeddings) for about `slotS` seconds, adding to `tally`. */
async function runFor(slotS: number, batchSize: number, step: () => Promise<void>, tally: Tally): Promise<void> {
  const startedMs = performance.now();
  while (performance.now() - startedMs < slotS * 1000) {
    await step();
    tally.embeddings += batchSize;
  }
  tally.seconds += (performance.now() - startedMs) / 1000;
}

const ROUNDS = 6;

/**
 * Embeddings per second of both sides, measured in alternating slots (ROUNDS each, `seconds` in total per
 * side), so that load from other jobs on a shared machine falls on both alike instead of on whichever ran later.
 */
async function rates(batchSize: number, ours: () => Promise<void>, theirs: () => Promise<void>): Promise<[number, number]> {
  await ours();
  await theirs();
  const a: Tally = { embeddings: 0, seconds: 0 };
  const b: Tally = { embeddings: 0, seconds: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    await runFor(seconds / ROUNDS, batchSize, ours, a);
    await runFor(seconds / ROUNDS, batchSize, theirs, b);
  }
  return [a.embeddings / a.seconds, b.embeddings / b.seconds];
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

async function benchModel(label: string, modelDir: string): Promise<void> {
  env.allowRemoteModels = false;
  env.localModelPath = dirname(modelDir);
  const extractor: FeatureExtractionPipeline = await pipeline('feature-extraction', basename(modelDir), { dtype: 'fp32', session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 } });
  for (const shape of SHAPES) {
    const texts = textsFor(modelDir, shape.promptLength, shape.batchSize);
    const created = await createPoolingEngine({
      flags: { model: modelDir, task: 'embed' },
      env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: String(shape.promptLength), VLLM_SPYRE_WARMUP_BATCH_SIZES: String(shape.batchSize) },
      logger: SILENT_LOGGER,
      intraOpNumThreads: threads,
    });
    try {
      const ours = await created.engine.embed(texts);
      const theirs = await extractor(texts, { pooling: 'mean', normalize: true });
      const width = ours[0]!.embedding.length;
      const agreement = Math.min(...ours.map((result, i) => cosine(result.embedding, (theirs.data as Float32Array).subarray(i * width, (i + 1) * width))));
      const [engineRate, tjsRate] = await rates(
        shape.batchSize,
        async () => void (await created.engine.embed(texts)),
        async () => void (await extractor(texts, { pooling: 'mean', normalize: true })),
      );
      const realTokens = ours.reduce((sum, result) => sum + result.promptTokens, 0);
      const longest = Math.max(...ours.map((result) => result.promptTokens));
      console.log(
        `| ${label} | (${shape.promptLength}, ${shape.batchSize}) | ${realTokens} / ${longest * shape.batchSize} / ${shape.promptLength * shape.batchSize} | ` +
          `${engineRate.toFixed(0)} | ${tjsRate.toFixed(0)} | ${(engineRate / tjsRate).toFixed(2)} | ${agreement.toFixed(6)} |`,
      );
    } finally {
      await created.close();
    }
  }
  await extractor.dispose();
}

const root = mkdtempSync(join(tmpdir(), 'spyre-pooling-bench-'));
try {
  console.log(`node ${process.version}, ${threads} onnxruntime thread(s), ${seconds} s per measurement`);
  console.log('| model | warmup shape (prompt, batch) | tokens: real / padded to longest / static shape | spyre embeddings/s | transformers.js embeddings/s | ratio | min cosine |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  const given = argValue('--model');
  if (given !== undefined) {
    await benchModel(basename(resolve(given)), resolve(given));
  } else {
    const tiny = join(root, 'tiny-embed');
    buildEncoderModel({ preset: 'tiny-embed', outDir: tiny });
    await benchModel('tiny-embed', tiny);
    const minilm = join(root, 'minilm-shaped');
    buildEncoderModel({ preset: 'tiny-embed', outDir: minilm, presetOverrides: { hiddenSize: 384, intermediateSize: 1536, numHiddenLayers: 6, numAttentionHeads: 12 } });
    await benchModel('MiniLM-L6-shaped', minilm);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
