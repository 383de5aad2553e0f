// `spyre bench serve`: vllm bench serve's load generator and report, against any OpenAI-compatible server.
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { benchResultJson, formatBenchTable } from './benchServe/benchReport.js';
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
  readonly resultFilename?: string;
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
    .option('--save-result', 'write the result JSON', false)
    .option('--result-filename <file>', 'where to write the result JSON (implies --save-result)')
    .option('--disable-tqdm', 'no progress bar', false)
    .action((options: BenchServeCommandOptions) => runCliAction(() => benchServe(options)));
}
