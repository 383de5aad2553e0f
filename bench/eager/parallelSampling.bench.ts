// Parallel sampling: one request with n copies (one prefill, forked blocks) against n separate requests with
// the same prompt and the copies' seeds (seed + i), on the eager backend; without and with prefix caching.
// Both give the same tokens (checked); the table gives wall time (median of --rounds), prefill steps and
// tokens, decode steps and the most KV blocks in use.
// Run: npx tsx bench/eager/parallelSampling.bench.ts [--model DIR] [--n 4] [--prompt 900] [--tokens 32] [--rounds 3]
import 'reflect-metadata';
import { resolve } from 'node:path';
import { createLlmEngine, type CreatedLlmEngine } from '../../src/app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import type { FinalOutput, GenerateParams, GenerationOutput } from '../../src/core/engine/generationTypes.js';
import { median } from '../../sim/report/percentiles.js';
import { argValue, benchModelDir } from './benchModel.js';

const modelDir = resolve(benchModelDir());
const n = Number(argValue('--n') ?? 4);
const promptLength = Number(argValue('--prompt') ?? 900);
const outputTokens = Number(argValue('--tokens') ?? 32);
const rounds = Number(argValue('--rounds') ?? 3);
const prompt = { promptTokenIds: Array.from({ length: promptLength }, (_, i) => 10 + ((i * 37 + 11) % 5000)) };
const params: GenerateParams = { temperature: 1, topP: 0.95, seed: 42, maxTokens: outputTokens, ignoreEos: true };

interface Counts { prefillSteps: number; prefillTokens: number; decodeSteps: number; peakBlocks: number }

async function finals(outputs: AsyncIterable<GenerationOutput>): Promise<FinalOutput[]> {
  const ended: FinalOutput[] = [];
  for await (const output of outputs) if (output.kind === 'final') ended.push(output);
  return ended.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

async function measure(created: CreatedLlmEngine, counts: Counts, run: () => Promise<FinalOutput[]>): Promise<{ seconds: number; tokens: string[] }> {
  Object.assign(counts, { prefillSteps: 0, prefillTokens: 0, decodeSteps: 0, peakBlocks: 0 });
  const start = performance.now();
  const ended = await run();
  return { seconds: (performance.now() - start) / 1000, tokens: ended.map((final) => final.tokenIds.join(',')) };
}

async function benchEngine(prefixCaching: boolean): Promise<void> {
  const created = await createLlmEngine({
    flags: { model: modelDir, maxModelLen: 2048, maxNumSeqs: Math.max(4, n), maxNumBatchedTokens: 256, enablePrefixCaching: prefixCaching },
    env: {},
    logger: SILENT_LOGGER,
  });
  const counts: Counts = { prefillSteps: 0, prefillTokens: 0, decodeSteps: 0, peakBlocks: 0 };
  const usable = created.config.numBlocks - 1;
  created.engine.onStep((report) => {
    if (report.plan?.kind === 'prefill') {
      counts.prefillSteps += 1;
      counts.prefillTokens += report.plan.endValidSlot - report.plan.firstValidSlot;
    } else if (report.plan?.kind === 'decode') counts.decodeSteps += 1;
    counts.peakBlocks = Math.max(counts.peakBlocks, Math.round(created.engine.core.stats().kvCacheUsage * usable));
  });
  const forked = (): Promise<FinalOutput[]> => finals(created.engine.generate(prompt, { ...params, n }));
  const separate = async (): Promise<FinalOutput[]> =>
    (await Promise.all(Array.from({ length: n }, (_, i) => finals(created.engine.generate(prompt, { ...params, seed: params.seed! + i }))))).flat();
  await forked(); // warms the code paths
  const rows: Record<string, unknown>[] = [];
  for (const [what, run] of [[`n=${n}, one request`, forked], [`${n} requests, seeds ${params.seed}…${params.seed! + n - 1}`, separate]] as const) {
    const times: number[] = [];
    let tokens: string[] = [];
    for (let round = 0; round < rounds; round++) {
      if (prefixCaching) created.engine.core.resetPrefixCache();
      const result = await measure(created, counts, run);
      times.push(result.seconds);
      tokens = result.tokens;
    }
    rows.push({ prefix_caching: prefixCaching, what, wall_s: Number(median(times).toFixed(3)), ...counts, tokens });
  }
  const [one, many] = rows as { tokens: string[] }[];
  if (one!.tokens.join('|') !== many!.tokens.join('|')) throw new Error('the forked copies and the separate requests gave different tokens');
  console.table(rows.map(({ tokens: _tokens, ...row }) => row));
  await created.close();
}

process.stdout.write(`model ${modelDir}, prompt ${promptLength} tokens, ${outputTokens} output tokens per copy, chunk 256, median of ${rounds} rounds\n`);
await benchEngine(false);
await benchEngine(true);
