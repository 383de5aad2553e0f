import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../../src/core/contracts/errors.js';
import { deriveSeed } from './random.js';
import type { ListedWorkload, SimRequestSpec } from './simRequest.js';
import type { TraceWorkloadSpec } from './workloadSchema.js';

/**
 * One line of a trace file: `arrival_time` (seconds), the prompt as `prompt_len` or as token ids in
 * `prompt_tokens`, and `output_len` (the tokens to generate). `input_length` / `output_length` are accepted
 * as aliases (the names of several public traces), and `id` is optional (the line number otherwise).
 */
const traceLineSchema = z
  .strictObject({
    id: z.union([z.string().min(1), z.number().int()]).transform(String).optional(),
    arrival_time: z.number().nonnegative(),
    prompt_len: z.number().int().positive().optional(),
    input_length: z.number().int().positive().optional(),
    prompt_tokens: z.array(z.number().int().nonnegative()).min(1).optional(),
    output_len: z.number().int().positive().optional(),
    output_length: z.number().int().positive().optional(),
  })
  .refine((line) => [line.prompt_len, line.input_length, line.prompt_tokens].filter((value) => value !== undefined).length === 1, {
    message: 'give exactly one of prompt_len, input_length and prompt_tokens',
  })
  .refine((line) => (line.output_len === undefined) !== (line.output_length === undefined), { message: 'give exactly one of output_len and output_length' });

/** Reads a JSONL trace (relative to `baseDir`); requests are replayed in arrival order (ties in file order). */
export function traceWorkload(spec: TraceWorkloadSpec, baseDir: string): ListedWorkload {
  const path = isAbsolute(spec.trace) ? spec.trace : resolve(baseDir, spec.trace);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EngineError('invalid_scenario', `Cannot read the workload trace ${path}: ${(error as Error).message}`);
  }
  const requests: SimRequestSpec[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    requests.push(requestOf(line, index + 1, path, spec.time_scale));
  }
  if (requests.length === 0) throw new EngineError('invalid_scenario', `The workload trace ${path} has no requests.`);
  const order = requests.map((request, index) => ({ request, index })).sort((a, b) => a.request.arrivalTimeS - b.request.arrivalTimeS || a.index - b.index);
  return { requests: order.map(({ request }) => request), closedLoopConcurrency: undefined, prefixSeed: 0 };
}

function requestOf(text: string, lineNumber: number, path: string, timeScale: number): SimRequestSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EngineError('invalid_scenario', `${path}:${lineNumber}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = traceLineSchema.safeParse(json);
  if (!parsed.success) throw new EngineError('invalid_scenario', `${path}:${lineNumber}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ')}`);
  const line = parsed.data;
  const promptLength = line.prompt_tokens?.length ?? line.prompt_len ?? line.input_length!;
  return {
    id: line.id ?? String(lineNumber),
    arrivalTimeS: line.arrival_time * timeScale,
    promptLength,
    promptSeed: deriveSeed(lineNumber, 0),
    prefixGroup: -1,
    prefixLength: 0,
    ...(line.prompt_tokens !== undefined ? { promptTokenIds: line.prompt_tokens } : {}),
    maxTokens: line.output_len ?? line.output_length!,
    ignoreEos: true,
  };
}
