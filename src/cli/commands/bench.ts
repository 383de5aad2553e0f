// `spyre bench serve`: vllm bench serve's load generator and report, against any OpenAI-compatible server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { formatBenchTable } from './benchServe/benchReport.js';
import { PERCENTILE_METRICS, vllmDate, vllmResultFileName, vllmResultJson, type PercentileMetric } from './benchServe/vllmResultJson.js';
import type { DatasetName } from './benchServe/dataset.js';
import { runBenchServe } from './benchServe/runBenchServe.js';
import { BENCH_SERVE_FLAG_TABLE } from '../commandFlagTables.js';
import { addFlagRows } from '../flagTable.js';
import { runCliAction } from '../runCliAction.js';

interface BenchServeCommandOptions {
  readonly baseUrl?: string;
  readonly host: string;
  readonly port: number;
  readonly model?: string;
  readonly datasetName: DatasetName;
  readonly randomInputLen: number;
  readonly randomOutputLen: number;
  readonly randomRangeRatio: number;
  readonly sharedPrefixLen: number;
  readonly sharedPrefixGroups: number;
  readonly numPrompts: number;
  readonly requestRate: number;
  readonly burstiness: number;
  readonly maxConcurrency?: number;
  readonly seed: number;
  readonly ignoreEos: boolean;
  readonly apiKey?: string;
  readonly saveResult: boolean;
  readonly saveDetailed: boolean;
  readonly resultDir?: string;
  readonly resultFilename?: string;
  readonly label?: string;
  readonly metadata?: readonly string[];
  readonly percentileMetrics?: readonly PercentileMetric[];
  readonly metricPercentiles?: readonly number[];
  readonly disableTqdm: boolean;
}

/** `--metadata KEY=VALUE …` as vLLM reads it: split at the first '='. */
function metadataPairs(items: readonly string[] | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf('=');
    if (at < 0) throw new InvalidArgumentError(`--metadata expects KEY=VALUE pairs, got '${item}'.`);
    pairs[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return pairs;
}

async function benchServe(options: BenchServeCommandOptions): Promise<void> {
  const baseUrl = (options.baseUrl ?? `http://${options.host}:${options.port}`).replace(/\/+$/, '');
  const result = await runBenchServe({
    baseUrl,
    model: options.model,
    dataset: {
      name: options.datasetName, numPrompts: options.numPrompts, inputLen: options.randomInputLen, outputLen: options.randomOutputLen,
      rangeRatio: options.randomRangeRatio, prefixLen: options.sharedPrefixLen, numPrefixGroups: options.sharedPrefixGroups,
      firstTokenId: 10, vocabSpan: 246, seed: options.seed,
    },
    requestRate: options.requestRate,
    burstiness: options.burstiness,
    maxConcurrency: options.maxConcurrency,
    ignoreEos: options.ignoreEos,
    apiKey: options.apiKey,
    seed: options.seed,
    progress: options.disableTqdm ? undefined : process.stderr,
  });
  process.stdout.write(`${formatBenchTable(result.metrics, options.maxConcurrency, options.requestRate)}\n`);
  const firstError = result.outcomes.find((outcome) => !outcome.success)?.error;
  if (firstError !== undefined) process.stderr.write(`first error: ${firstError}\n`);
  if (options.saveResult || options.resultFilename !== undefined) {
    const run = {
      backend: 'openai', label: options.label ?? null, modelId: result.model, tokenizerId: result.model, numPrompts: options.numPrompts,
      metadata: metadataPairs(options.metadata), requestRate: options.requestRate, burstiness: options.burstiness, maxConcurrency: options.maxConcurrency,
      percentileMetrics: options.percentileMetrics ?? PERCENTILE_METRICS, metricPercentiles: options.metricPercentiles ?? [99], saveDetailed: options.saveDetailed, date: vllmDate(new Date()),
    };
    let file = options.resultFilename ?? vllmResultFileName(run);
    if (options.resultDir !== undefined) {
      mkdirSync(options.resultDir, { recursive: true });
      file = join(options.resultDir, file);
    }
    writeFileSync(file, JSON.stringify(vllmResultJson(run, result.metrics, result.outcomes, result.startedAtS)));
    process.stderr.write(`result saved to ${file}\n`);
  }
}

/** `spyre bench …`. */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('benchmarks against a running server');
  const serve = bench
    .command('serve')
    .description('load a running OpenAI-compatible server like vllm bench serve and report TTFT/TPOT/ITL/E2E and throughput');
  addFlagRows(serve, BENCH_SERVE_FLAG_TABLE)
    .action((options: BenchServeCommandOptions) => runCliAction(() => benchServe(options)));
}
