import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceWorkload } from '../../../sim/workload/traceWorkload.js';

function traceFile(lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'spyre-trace-'));
  writeFileSync(join(dir, 'trace.jsonl'), lines.join('\n') + '\n');
  return dir;
}

describe('having a JSONL trace', () => {
  const dir = traceFile([
    '{"id": "b", "arrival_time": 2.5, "prompt_len": 300, "output_len": 20}',
    '',
    '{"arrival_time": 1, "prompt_tokens": [5, 6, 7], "output_length": 4}',
    '{"arrival_time": 2.5, "input_length": 64, "output_len": 8}',
  ]);

  it('should replay the requests in arrival order, ties in file order, with their lengths', () => {
    const workload = traceWorkload({ trace: 'trace.jsonl', time_scale: 1 }, dir);
    expect(workload.requests.map((request) => [request.id, request.arrivalTimeS, request.promptLength, request.maxTokens])).toEqual([
      ['3', 1, 3, 4],
      ['b', 2.5, 300, 20],
      ['4', 2.5, 64, 8],
    ]);
    expect(workload.requests[0]!.promptTokenIds).toEqual([5, 6, 7]);
  });

  it('should scale arrival times by time_scale', () => {
    expect(traceWorkload({ trace: 'trace.jsonl', time_scale: 0.5 }, dir).requests.map((request) => request.arrivalTimeS)).toEqual([0.5, 1.25, 1.25]);
  });

  describe('when a line gives two prompt fields', () => {
    it('should name the file, the line and the problem', () => {
      const bad = traceFile(['{"arrival_time": 0, "prompt_len": 3, "input_length": 3, "output_len": 1}']);
      expect(() => traceWorkload({ trace: 'trace.jsonl', time_scale: 1 }, bad)).toThrow(/trace\.jsonl:1: .*exactly one of prompt_len, input_length and prompt_tokens/);
    });
  });
});
