/**
 * Where tokenizing on a worker starts to pay: for texts of growing length (encode), id lists (decode) and
 * chat message counts (template), the median time inline on the calling thread against the median round
 * trip through the tokenizer worker pool (one warm worker) and the part of that round trip the calling
 * thread is blocked (posting the job). The worker does the same work plus the posting, so it never wins on
 * latency; it frees the event loop. OFFLOAD_THRESHOLDS in src/server/openai/frontendTokenizer.ts are the
 * sizes where the inline work reaches about a millisecond of blocked loop.
 *
 *   npx tsx bench/tokenizerOffload.bench.ts [--model DIR] [--repeats 15]
 *
 * Without --model it builds the tiny preset (byte-level BPE, 512 tokens).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TokenizerTextCodec } from '../src/app/tokenizerTextCodec.js';
import { buildModel } from '../src/models/build/index.js';
import { readModelDir } from '../src/models/dir/index.js';
import { TokenizerWorkerPool } from '../src/tokenizer/worker/tokenizerWorkerPool.js';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const repeats = Number(argValue('--repeats') ?? 15);

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

interface Row {
  readonly size: number;
  readonly inlineMs: number;
  readonly workerMs: number;
  readonly blockedMs: number;
}

async function measure(sizes: readonly number[], inline: (size: number) => unknown, offload: (size: number) => Promise<unknown>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const size of sizes) {
    const inlineTimes: number[] = [];
    const workerTimes: number[] = [];
    const blockedTimes: number[] = [];
    for (let repeat = 0; repeat < repeats; repeat++) {
      let start = performance.now();
      inline(size);
      inlineTimes.push(performance.now() - start);
      start = performance.now();
      const answer = offload(size);
      blockedTimes.push(performance.now() - start);
      await answer;
      workerTimes.push(performance.now() - start);
    }
    rows.push({ size, inlineMs: median(inlineTimes), workerMs: median(workerTimes), blockedMs: median(blockedTimes) });
  }
  return rows;
}

function print(title: string, unit: string, rows: readonly Row[]): void {
  console.log(`\n${title}`);
  console.log(`| ${unit} | inline ms | worker round trip ms | caller blocked ms | worker / inline |`);
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(`| ${row.size} | ${row.inlineMs.toFixed(3)} | ${row.workerMs.toFixed(3)} | ${row.blockedMs.toFixed(3)} | ${(row.workerMs / row.inlineMs).toFixed(2)} |`);
  }
}

async function main(): Promise<void> {
  const given = argValue('--model');
  const root = given === undefined ? mkdtempSync(join(tmpdir(), 'spyre-offload-bench-')) : undefined;
  const modelDir = given ?? join(root as string, 'tiny');
  if (given === undefined) buildModel({ preset: 'tiny', outDir: modelDir });
  const info = readModelDir(modelDir);
  const codec = TokenizerTextCodec.fromModelDir(info, Number.MAX_SAFE_INTEGER);
  const pool = new TokenizerWorkerPool(codec.files);
  try {
    // Mixed text (Latin, accents, CJK, emoji), cut to length.
    const source = 'The quick brown fox, naïve café, 東京の空 🙂 jumps over 42 lazy dogs. '.repeat(20_000);
    const textOf = (length: number): string => source.slice(0, length);
    await pool.encode('warm up the worker', true);
    console.log(`model ${modelDir}, ${repeats} repeats, medians; Node ${process.version}`);
    print('encode (text length in UTF-16 units)', 'length', await measure(
      [256, 512, 1024, 2048, 4096, 8192, 32768, 131072],
      (length) => codec.encode(textOf(length)),
      (length) => pool.encode(textOf(length), true),
    ));
    const ids = codec.encode(textOf(600_000));
    print('decode (token ids)', 'ids', await measure(
      [256, 512, 1024, 2048, 4096, 16384, 65536],
      (count) => codec.decode(ids.slice(0, count)),
      (count) => pool.decode(ids.slice(0, count), true),
    ));
    const messagesOf = (count: number) => Array.from({ length: count }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `message ${index}: hello there` }));
    print('chat template (messages)', 'messages', await measure(
      [4, 16, 64, 256, 1024],
      (count) => codec.applyChatTemplate(messagesOf(count), { addGenerationPrompt: true }),
      (count) => pool.applyChatTemplate(messagesOf(count), true),
    ));
  } finally {
    await pool.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  }
}

await main();
