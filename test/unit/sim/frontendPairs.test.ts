import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PERF_LOG_FILE, PerfMetricLog } from '../../../src/server/metrics/perfMetricLog.js';
import { engineTtftById, engineTtftOfPerfLine, frontendPairsOf, readPerfLog } from '../../../sim/validate/frontendPairs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A perf log written by the server's own PerfMetricLog, one finished request per entry. */
function perfLogWith(requests: readonly { id: string; queuedS: number; prefillS: number }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'spyre-frontend-pairs-'));
  dirs.push(dir);
  const log = new PerfMetricLog(dir);
  for (const request of requests) {
    log.recordFinished({
      requestId: request.id, finishReason: 'length', numPromptTokens: 64, numGenerationTokens: 24, e2eS: 1, queuedS: request.queuedS, prefillS: request.prefillS,
      decodeS: 0.9, timePerOutputTokenS: 0.04, prefillInterruptS: 0, decodeOnlyItlS: 0.039,
    });
  }
  return log.path;
}

describe('the front end paired per request', () => {
  it('reads the engine TTFT (queued + prefill) from the lines the server writes', () => {
    const lines = readPerfLog(perfLogWith([{ id: 'cmpl-a', queuedS: 0.012, prefillS: 0.036 }]));
    expect(lines).toHaveLength(1);
    expect(engineTtftOfPerfLine(lines[0]!)).toBeCloseTo(0.048, 12);
  });

  it('pairs the client and engine TTFT by request id over several replicas, leaving out failures and unlogged requests', () => {
    const replicaA = readPerfLog(perfLogWith([{ id: 'cmpl-a', queuedS: 0.01, prefillS: 0.04 }, { id: 'cmpl-b', queuedS: 0, prefillS: 0.036 }]));
    const replicaB = readPerfLog(perfLogWith([{ id: 'cmpl-c', queuedS: 0.02, prefillS: 0.035 }, { id: 'cmpl-d', queuedS: 0, prefillS: 0.035 }]));
    const engine = engineTtftById([...replicaA, ...replicaB]);
    const pairs = frontendPairsOf(
      [
        { success: true, ttftS: 0.061, requestId: 'cmpl-c' },
        { success: true, ttftS: 0.058, requestId: 'cmpl-a' },
        { success: false, ttftS: 0, requestId: 'cmpl-b' },
        { success: true, ttftS: 0.07 },
        { success: true, ttftS: 0.07, requestId: 'cmpl-unlogged' },
        { success: true, ttftS: 0.042, requestId: 'cmpl-d' },
      ],
      engine,
    );
    expect(pairs.clientTtftS).toEqual([0.061, 0.058, 0.042]);
    expect(pairs.engineTtftS.map((s) => Number(s.toFixed(6)))).toEqual([0.055, 0.05, 0.035]);
  });

  it('refuses a line without the engine timings, naming the keys', () => {
    expect(() => engineTtftOfPerfLine({ request_id: 'x', queued_seconds: 0.01, prefill_seconds: 0.03 })).toThrow(/queued_time_seconds and prefill_time_seconds \(request x\)/);
  });

  it('reads nothing where no log is written yet', () => {
    expect(readPerfLog(join(mkdtempSync(join(tmpdir(), 'spyre-frontend-pairs-empty-')), PERF_LOG_FILE))).toEqual([]);
  });
});
