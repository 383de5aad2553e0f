import { readFileSync } from 'node:fs';
import type { FrontendSamples } from '../calibrate/fitHostOverhead.js';

/** One line of the server's per-request perf log (SPEC §4, vLLM-Spyre's FileStatLogger keys). */
export type PerfLogLine = Readonly<Record<string, unknown>>;

/** The lines of a perf log (`request_metrics.jsonl`); none when the file is not there yet. */
export function readPerfLog(path: string): PerfLogLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as PerfLogLine);
}

/** A request's time to first token as the engine saw it (arrival at the engine to its first token): queued + prefill seconds. */
export function engineTtftOfPerfLine(line: PerfLogLine): number {
  const queuedS = line.queued_time_seconds;
  const prefillS = line.prefill_time_seconds;
  if (typeof queuedS !== 'number' || typeof prefillS !== 'number') throw new Error(`a perf-log line without queued_time_seconds and prefill_time_seconds (request ${String(line.request_id)}): not a request_metrics.jsonl of this server`);
  return queuedS + prefillS;
}

/** Per request id, the engine's TTFT from the perf-log lines (of one replica or several: the ids are unique). */
export function engineTtftById(lines: readonly PerfLogLine[]): Map<string, number> {
  return new Map(lines.map((line) => [String(line.request_id), engineTtftOfPerfLine(line)] as const));
}

/** What the client measured of one request: whether it succeeded, its TTFT and the server's id of it. */
export interface ClientTtft {
  readonly success: boolean;
  readonly ttftS: number;
  readonly requestId?: string;
}

/**
 * The client's and the engine's TTFT of the same requests, matched by the server's request id (the stream's
 * `id`, the perf log's `request_id`), in the client's order: a request that failed, or that the engines did
 * not log, is left out. Their difference is that request's front end (HTTP, a router, the first chunk back).
 */
export function frontendPairsOf(outcomes: readonly ClientTtft[], engineTtftS: ReadonlyMap<string, number>): FrontendSamples & { clientTtftS: number[]; engineTtftS: number[] } {
  const pairs = { clientTtftS: [] as number[], engineTtftS: [] as number[] };
  for (const outcome of outcomes) {
    const engine = outcome.requestId === undefined ? undefined : engineTtftS.get(outcome.requestId);
    if (!outcome.success || engine === undefined) continue;
    pairs.clientTtftS.push(outcome.ttftS);
    pairs.engineTtftS.push(engine);
  }
  return pairs;
}
