// `spyre bench serve`: vllm bench serve's load generator and report, against any OpenAI-compatible server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { formatBenchTable } from './benchServe/benchReport.js';
import { PERCENTILE_METRICS, vllmDate, vllmResultFileName, vllmResultJson, type PercentileMetric } from './benchServe/vllmResultJson.js';
import { DATASET_NAMES, type DatasetName } from './benchServe/dataset.js';
import { runBenchServe } from './benchServe/runBenchServe.js';
import { nonNegativeInteger, portNumber, positiveInteger } from '../flagParsers.js';
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
  readonly percentileMetrics: readonly PercentileMetric[];
  readonly metricPercentiles: readonly number[];
  readonly disableTqdm: boolean;
}

function datasetName(value: string): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${DATASET_NAMES.join(', ')}, got '${value}'.`);
  return value as DatasetName;
}

function requestRate(value: string): number {
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) throw new InvalidArgumentError(`expected a positive number of requests per second or 'inf', got '${value}'.`);
  return rate;
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'.`);
  return parsed;
}

function ratio(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed >= 1) throw new InvalidArgumentError(`expected a number in [0, 1), got '${value}'.`);
  return parsed;
}

function percentileMetrics(value: string): PercentileMetric[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(PERCENTILE_METRICS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${PERCENTILE_METRICS.join(', ')}; got '${value}'.`);
  return names as PercentileMetric[];
}

function metricPercentiles(value: string): number[] {
  const percentiles = value.split(',').map((part) => Number(part.trim()));
  if (percentiles.some((p) => !Number.isFinite(p) || p < 0 || p > 100)) throw new InvalidArgumentError(`expected comma-separated percentiles between 0 and 100, got '${value}'.`);
  return percentiles;
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
      percentileMetrics: options.percentileMetrics, metricPercentiles: options.metricPercentiles, saveDetailed: options.saveDetailed, date: vllmDate(new Date()),
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
  bench
    .command('serve')
    .description('load a running OpenAI-compatible server like vllm bench serve and report TTFT/TPOT/ITL/E2E and throughput')
    .option('--base-url <url>', 'server URL (overrides --host/--port)')
    .option('--host <host>', 'server host', '127.0.0.1')
    .option('--port <port>', 'server port', portNumber, 8000)
    .option('--model <name>', 'model name to send (default: the first one /v1/models lists)')
    .option('--dataset-name <name>', 'random | shared-prefix', datasetName, 'random' as DatasetName)
    .option('--random-input-len <n>', 'input tokens per request (after the shared prefix)', positiveInteger, 1024)
    .option('--random-output-len <n>', 'output tokens per request (max_tokens)', positiveInteger, 128)
    .option('--random-range-ratio <r>', 'lengths drawn uniformly within ±ratio of the given ones', ratio, 0)
    .option('--shared-prefix-len <n>', 'shared-prefix dataset: tokens of each shared prefix', positiveInteger, 256)
    .option('--shared-prefix-groups <n>', 'shared-prefix dataset: number of distinct prefixes', positiveInteger, 4)
    .option('--num-prompts <n>', 'number of requests', positiveInteger, 1000)
    .option('--request-rate <rps>', "requests per second, or 'inf' to send all at once", requestRate, Number.POSITIVE_INFINITY)
    .option('--burstiness <b>', 'gamma shape of the arrivals: 1 is Poisson, < 1 burstier', positiveNumber, 1)
    .option('--max-concurrency <n>', 'most requests in flight at once', positiveInteger)
    .option('--seed <n>', 'seed of the dataset and the arrivals', nonNegativeInteger, 0)
    .option('--ignore-eos', 'ask the server to ignore EOS, so outputs have exactly --random-output-len tokens', false)
    .option('--api-key <key>', 'sent as Authorization: Bearer <key>')
    .option('--save-result', 'write the result JSON, in the format of vllm bench serve --save-result', false)
    .option('--save-detailed', 'with --save-result: also the per-request input/output lengths, send times, TTFTs, ITLs, texts and errors', false)
    .option('--result-dir <dir>', 'directory of the result JSON (made if missing; default: the current one)')
    .option('--result-filename <file>', 'name of the result JSON (implies --save-result; default: vLLM\'s {label}-{rate}qps[-concurrency{n}]-{model}-{date}.json)')
    .option('--label <label>', 'the result\'s label (and the default file name\'s prefix; default: the backend, openai)')
    .option('--metadata <pairs...>', 'KEY=VALUE pairs written as top-level keys of the result JSON')
    .option('--percentile-metrics <list>', 'metrics whose mean/median/std/percentiles the result JSON keeps', percentileMetrics, [...PERCENTILE_METRICS])
    .option('--metric-percentiles <list>', 'percentiles kept for each of them', metricPercentiles, [99])
    .option('--disable-tqdm', 'no progress bar', false)
    .action((options: BenchServeCommandOptions) => runCliAction(() => benchServe(options)));
}
