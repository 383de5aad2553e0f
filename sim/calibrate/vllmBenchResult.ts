import { readFileSync } from 'node:fs';
import { EngineError } from '../../src/core/contracts/errors.js';

/** One request as `vllm bench serve --save-result --save-detailed` recorded it. */
export interface RecordedRequest {
  readonly inputLength: number;
  readonly outputLength: number;
  /** When the client sent it, seconds from the first request; undefined where the file has no `start_times`. */
  readonly startTimeS: number | undefined;
  readonly ttftS: number;
  /** Gaps between successive output tokens, seconds (empty where the source keeps only their mean). */
  readonly itlsS: readonly number[];
  /** Mean gap between its output tokens, seconds; NaN with fewer than two tokens. */
  readonly meanItlS: number;
}

/** What a fit needs from a vLLM benchmark result: the workload it ran and what each request measured. */
export interface RecordedBenchResult {
  /** Requests per second, `Infinity` for vLLM's `"inf"` (every request sent at once). */
  readonly requestRateRps: number;
  readonly burstiness: number;
  readonly maxConcurrency: number | undefined;
  readonly durationS: number;
  /** Successful requests only: a failed one (non-empty `errors` entry) measured nothing. */
  readonly requests: readonly RecordedRequest[];
  /** true where every request keeps each token gap (a bench result), false where only its mean (a perf log). */
  readonly itlsPerToken: boolean;
  /** The `--metadata KEY=VALUE` pairs and any other top-level key vLLM does not write itself. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The top-level keys `vllm bench serve` writes itself (vllm/benchmarks/serve.py); the rest is user metadata. */
const VLLM_KEYS = new Set([
  'date', 'endpoint_type', 'backend', 'label', 'model_id', 'tokenizer_id', 'num_prompts', 'request_rate', 'burstiness',
  'max_concurrency', 'duration', 'completed', 'failed', 'total_input_tokens', 'total_output_tokens', 'request_throughput',
  'request_goodput', 'output_throughput', 'total_token_throughput', 'input_lens', 'output_lens', 'start_times', 'ttfts',
  'itls', 'generated_texts', 'errors', 'max_output_tokens_per_s', 'max_concurrent_requests',
]);
const METRIC_KEY = /^(mean|median|std|p\d+(\.\d+)?)_(ttft|tpot|itl|e2el)_ms$/;

function reject(file: string, field: string, why: string): never {
  throw new EngineError('invalid_scenario', `${file}: ${field} ${why}; a fit needs the JSON that \`vllm bench serve --save-result --save-detailed\` writes`);
}

function numberList(file: string, value: Record<string, unknown>, field: string, length?: number): number[] {
  const list = value[field];
  if (list === undefined) reject(file, field, 'is missing (was --save-detailed given?)');
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'number' && Number.isFinite(item) && item >= 0)) {
    reject(file, field, 'must be a list of non-negative numbers');
  }
  if (length !== undefined && list.length !== length) reject(file, field, `has ${list.length} entries, input_lens has ${length}`);
  return list as number[];
}

function requestRate(file: string, value: unknown): number {
  if (value === 'inf') return Infinity;
  if (typeof value === 'number' && value > 0) return value;
  return reject(file, 'request_rate', value === undefined ? 'is missing' : 'must be a positive number or "inf"');
}

/** The mean of token gaps; NaN for none. */
export function meanOf(gaps: readonly number[]): number {
  return gaps.length === 0 ? NaN : gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
}

/**
 * The mean time per token after the first: the streamed gaps' sum over the tokens after the first. A chunk
 * can carry more than one token (a detokenizer holds back an incomplete character), so there can be fewer
 * gaps than tokens; their sum still spans from the first chunk to the last.
 */
function meanGapPerToken(gaps: readonly number[], outputLength: number): number {
  if (gaps.length === 0 || outputLength < 2) return NaN;
  return gaps.reduce((sum, gap) => sum + gap, 0) / Math.max(outputLength - 1, gaps.length);
}

function recordedRequests(file: string, json: Record<string, unknown>): RecordedRequest[] {
  const inputLens = numberList(file, json, 'input_lens');
  const outputLens = numberList(file, json, 'output_lens', inputLens.length);
  const ttfts = numberList(file, json, 'ttfts', inputLens.length);
  const startTimes = json['start_times'] === undefined ? undefined : numberList(file, json, 'start_times', inputLens.length);
  const itls = json['itls'];
  if (itls === undefined) reject(file, 'itls', 'is missing (was --save-detailed given?)');
  if (!Array.isArray(itls) || itls.length !== inputLens.length) reject(file, 'itls', 'must be one list of gaps per request');
  const errors = Array.isArray(json['errors']) ? (json['errors'] as unknown[]) : [];
  const firstStartS = startTimes === undefined ? 0 : Math.min(...startTimes);
  const requests: RecordedRequest[] = [];
  for (let index = 0; index < inputLens.length; index++) {
    if (typeof errors[index] === 'string' && errors[index] !== '') continue;
    const gaps = itls[index] as unknown;
    if (!Array.isArray(gaps) || !gaps.every((gap) => typeof gap === 'number' && Number.isFinite(gap) && gap >= 0)) {
      reject(file, `itls[${index}]`, 'must be a list of non-negative numbers');
    }
    requests.push({
      inputLength: inputLens[index]!,
      outputLength: outputLens[index]!,
      startTimeS: startTimes === undefined ? undefined : startTimes[index]! - firstStartS,
      ttftS: ttfts[index]!,
      itlsS: gaps as number[],
      meanItlS: meanGapPerToken(gaps as number[], outputLens[index]!),
    });
  }
  if (requests.length === 0) reject(file, 'errors', 'marks every request failed');
  return requests;
}

/** Parses an already-read vLLM benchmark result; `file` names it in errors. */
export function parseVllmBenchResult(json: unknown, file: string): RecordedBenchResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) reject(file, 'the top level', 'must be a JSON object');
  const record = json as Record<string, unknown>;
  const burstiness = record['burstiness'] ?? 1;
  if (typeof burstiness !== 'number' || burstiness <= 0) reject(file, 'burstiness', 'must be a positive number');
  const maxConcurrency = record['max_concurrency'];
  if (maxConcurrency !== undefined && maxConcurrency !== null && (typeof maxConcurrency !== 'number' || maxConcurrency < 1)) {
    reject(file, 'max_concurrency', 'must be null or a positive number');
  }
  const duration = record['duration'];
  if (typeof duration !== 'number' || duration <= 0) reject(file, 'duration', duration === undefined ? 'is missing' : 'must be a positive number');
  const metadata = Object.fromEntries(Object.entries(record).filter(([key]) => !VLLM_KEYS.has(key) && !METRIC_KEY.test(key)));
  return {
    requestRateRps: requestRate(file, record['request_rate']),
    burstiness,
    maxConcurrency: typeof maxConcurrency === 'number' ? maxConcurrency : undefined,
    durationS: duration,
    requests: recordedRequests(file, record),
    itlsPerToken: true,
    metadata,
  };
}

/** Reads the JSON that `vllm bench serve --save-result --save-detailed` writes. */
export function readVllmBenchResult(path: string): RecordedBenchResult {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EngineError('invalid_scenario', `${path}: cannot read a vLLM benchmark result: ${(error as Error).message}`);
  }
  return parseVllmBenchResult(json, path);
}
