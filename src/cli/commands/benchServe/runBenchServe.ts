import { Presets, SingleBar } from 'cli-progress';
import { setTimeout as sleep } from 'node:timers/promises';
import { arrivalGapsS } from './arrivals.js';
import { sendBenchRequest, type BenchTarget, type RequestOutcome } from './benchClient.js';
import { computeBenchMetrics, type BenchMetrics } from './benchMetrics.js';
import { buildDataset, type DatasetOptions } from './dataset.js';

export interface BenchServeOptions {
  readonly baseUrl: string;
  /** Default: the first model the server lists. */
  readonly model: string | undefined;
  readonly dataset: DatasetOptions;
  /** Requests per second; Infinity sends all at once. */
  readonly requestRate: number;
  readonly burstiness: number;
  readonly maxConcurrency: number | undefined;
  readonly ignoreEos: boolean;
  readonly apiKey: string | undefined;
  readonly seed: number;
  readonly progress: NodeJS.WritableStream | undefined;
}

export interface BenchServeResult {
  readonly model: string;
  readonly metrics: BenchMetrics;
  readonly outcomes: readonly RequestOutcome[];
  /** When the first request was due: `performance.now()` in seconds (outcomes' send times count from it). */
  readonly startedAtS: number;
}

async function firstServedModel(baseUrl: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/models`, { headers });
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/v1/models answered ${response.status}; pass --model`);
  const body = (await response.json()) as { data?: { id: string }[] };
  const id = body.data?.[0]?.id;
  if (id === undefined) throw new Error(`${baseUrl}/v1/models lists no model; pass --model`);
  return id;
}

/** A counting semaphore for --max-concurrency. */
function limiter(limit: number | undefined): <T>(task: () => Promise<T>) => Promise<T> {
  if (limit === undefined) return (task) => task();
  let active = 0;
  const queue: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      queue.shift()?.();
    }
  };
}

/** Runs the benchmark: sends the dataset at the arrival process's times, at most maxConcurrency at once. */
export async function runBenchServe(options: BenchServeOptions): Promise<BenchServeResult> {
  const headers: Record<string, string> = options.apiKey !== undefined ? { authorization: `Bearer ${options.apiKey}` } : {};
  const model = options.model ?? (await firstServedModel(options.baseUrl, headers));
  const target: BenchTarget = { completionsUrl: `${options.baseUrl}/v1/completions`, model, ignoreEos: options.ignoreEos, headers };
  const requests = buildDataset(options.dataset);
  const gaps = arrivalGapsS(requests.length, options.requestRate, options.burstiness, options.seed);
  const limit = limiter(options.maxConcurrency);
  const bar = options.progress !== undefined ? new SingleBar({ stream: options.progress, format: 'requests [{bar}] {value}/{total}', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(requests.length, 0);
  const startS = performance.now() / 1000;
  const tasks: Promise<RequestOutcome>[] = [];
  for (const [index, request] of requests.entries()) {
    const gapS = gaps[index] ?? 0;
    if (gapS > 0) await sleep(gapS * 1000);
    tasks.push(limit(() => {
      const sendOffsetS = performance.now() / 1000 - startS;
      return sendBenchRequest(target, request).then((outcome) => ({ ...outcome, sendOffsetS }));
    }).then((outcome) => {
      bar?.increment();
      return outcome;
    }));
  }
  const outcomes = await Promise.all(tasks);
  const durationS = performance.now() / 1000 - startS;
  bar?.stop();
  return { model, metrics: computeBenchMetrics(outcomes, durationS), outcomes, startedAtS: startS };
}
