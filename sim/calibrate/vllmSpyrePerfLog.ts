import { readFileSync } from 'node:fs';
import { EngineError } from '../../src/core/contracts/errors.js';
import type { RecordedBenchResult, RecordedRequest } from './vllmBenchResult.js';

/**
 * The keys a fit needs from each line of vLLM-Spyre's `request_metrics.jsonl` (FileStatLogger in
 * vllm_spyre/v1/metrics/stats_logger.py: vLLM's FinishedRequestStats flattened, times suffixed `_seconds`).
 */
const NEEDED_NUMBERS = ['e2e_latency_seconds', 'decode_time_seconds', 'num_prompt_tokens', 'num_generation_tokens'] as const;

function reject(file: string, line: number, field: string, why: string): never {
  throw new EngineError('invalid_scenario', `${file} line ${line}: ${field} ${why}; a fit needs the request_metrics.jsonl that vLLM-Spyre writes with VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED=1`);
}

/**
 * A `timestamp` in seconds: vLLM-Spyre writes local time without a zone (`2025-10-09T14:03:27.512`); it is
 * read as UTC, which keeps the differences between lines (all this needs) unless a clock change falls inside
 * the log. A zone, if present, is honoured.
 */
function timestampS(file: string, line: number, value: unknown): number {
  if (typeof value !== 'string') reject(file, line, 'timestamp', value === undefined ? 'is missing' : 'must be an ISO date-time string');
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  if (!Number.isFinite(ms)) reject(file, line, 'timestamp', `'${value}' is not an ISO date-time`);
  return ms / 1000;
}

interface PerfLine {
  readonly line: number;
  readonly arrivalS: number;
  readonly e2eS: number;
  readonly decodeS: number;
  readonly numPromptTokens: number;
  readonly numGenerationTokens: number;
}

function parseLine(file: string, line: number, text: string): PerfLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return reject(file, line, 'the line', `is not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) reject(file, line, 'the line', 'must be a JSON object');
  const record = json as Record<string, unknown>;
  for (const field of NEEDED_NUMBERS) {
    const value = record[field];
    if (value === undefined) reject(file, line, field, 'is missing');
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) reject(file, line, field, 'must be a non-negative number');
  }
  const e2eS = record['e2e_latency_seconds'] as number;
  const decodeS = record['decode_time_seconds'] as number;
  if (decodeS > e2eS) reject(file, line, 'decode_time_seconds', `(${decodeS}) exceeds e2e_latency_seconds (${e2eS})`);
  return {
    line,
    // The line is written when the request's last iteration ends; its latency runs from its arrival.
    arrivalS: timestampS(file, line, record['timestamp']) - e2eS,
    e2eS,
    decodeS,
    numPromptTokens: record['num_prompt_tokens'] as number,
    numGenerationTokens: record['num_generation_tokens'] as number,
  };
}

/**
 * Parses the text of a vLLM-Spyre perf log (`request_metrics.jsonl`, one finished request per line) into
 * what the inverse fit needs; `file` names it in errors.
 *
 * Its times count from the request's arrival at the engine's front end (vLLM's `arrival_time`, taken when
 * the API server hands the tokenized request to the engine), not from when a client sent it: no network,
 * HTTP parsing or tokenization is in them. The simulator's clock starts at that same point, so the rebuilt
 * workload arrives at `timestamp − e2e_latency_seconds` (relative to the first arrival) and each request's
 * TTFT is `e2e_latency_seconds − decode_time_seconds` (first token at the engine), its mean ITL
 * `decode_time_seconds / (num_generation_tokens − 1)`. `timestamp` has millisecond resolution, so the
 * arrivals do too. Requests that produced no token (aborted while waiting) are left out.
 */
export function parseVllmSpyrePerfLog(text: string, file: string): RecordedBenchResult {
  const lines: PerfLine[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    lines.push(parseLine(file, index + 1, raw));
  });
  const answered = lines.filter((line) => line.numGenerationTokens > 0);
  if (answered.length === 0) {
    throw new EngineError('invalid_scenario', `${file}: no request with a generated token (${lines.length} lines); a fit needs the request_metrics.jsonl that vLLM-Spyre writes with VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED=1 after a run`);
  }
  const firstArrivalS = Math.min(...answered.map((line) => line.arrivalS));
  const lastEndS = Math.max(...answered.map((line) => line.arrivalS + line.e2eS));
  const requests = answered.map((line): RecordedRequest => ({
    inputLength: line.numPromptTokens,
    outputLength: line.numGenerationTokens,
    startTimeS: line.arrivalS - firstArrivalS,
    ttftS: line.e2eS - line.decodeS,
    itlsS: [],
    meanItlS: line.numGenerationTokens > 1 ? line.decodeS / (line.numGenerationTokens - 1) : NaN,
  }));
  const spanS = Math.max(...requests.map((request) => request.startTimeS ?? 0));
  return {
    requestRateRps: spanS > 0 ? (requests.length - 1) / spanS : Infinity,
    burstiness: 1,
    maxConcurrency: undefined,
    durationS: Math.max(lastEndS - firstArrivalS, 1e-9),
    requests,
    itlsPerToken: false,
    metadata: {},
  };
}

/** Reads vLLM-Spyre's `request_metrics.jsonl` (see parseVllmSpyrePerfLog). */
export function readVllmSpyrePerfLog(path: string): RecordedBenchResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EngineError('invalid_scenario', `${path}: cannot read a vLLM-Spyre perf log: ${(error as Error).message}`);
  }
  return parseVllmSpyrePerfLog(text, path);
}
