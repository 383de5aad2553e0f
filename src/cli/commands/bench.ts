// `spyre bench serve`: vllm bench serve's load generator and report, against any OpenAI-compatible server.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { benchResultJson, formatBenchTable } from './benchServe/benchReport.js';
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
  readonly resultFilename?: string;
  readonly disableTqdm: boolean;
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
    const rateLabel = Number.isFinite(options.requestRate) ? String(options.requestRate) : 'inf';
    const file = options.resultFilename ?? `spyre-bench-${rateLabel}qps-${result.model.replaceAll('/', '_')}-${new Date().toISOString().replace(/[:.]/g, '')}.json`;
    const json = benchResultJson(result.metrics, {
      base_url: baseUrl, model_id: result.model, dataset_name: options.datasetName, num_prompts: options.numPrompts,
      random_input_len: options.randomInputLen, random_output_len: options.randomOutputLen, request_rate: Number.isFinite(options.requestRate) ? options.requestRate : 'inf',
      burstiness: options.burstiness, max_concurrency: options.maxConcurrency ?? null, seed: options.seed,
    });
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
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
