import { SHARED_DIR } from './sharedPaths.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `../shared/examples` beside the checkout: the worked scenarios with their exact step traces. */
export const SHARED_EXAMPLES_DIR = resolve(SHARED_DIR, 'examples');

export interface GoldenExample {
  readonly name: string;
  readonly scenario: unknown;
  readonly trace: readonly Record<string, unknown>[];
}

export function loadGoldenExamples(): GoldenExample[] {
  if (!existsSync(SHARED_EXAMPLES_DIR)) throw new Error(`The shared examples are missing: ${SHARED_EXAMPLES_DIR}`);
  return readdirSync(SHARED_EXAMPLES_DIR)
    .filter((file) => file.endsWith('.scenario.json'))
    .sort()
    .map((file) => {
      const name = file.replace('.scenario.json', '');
      const traceText = readFileSync(join(SHARED_EXAMPLES_DIR, `${name}.trace.jsonl`), 'utf8');
      return {
        name,
        scenario: JSON.parse(readFileSync(join(SHARED_EXAMPLES_DIR, file), 'utf8')),
        trace: traceText.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
      };
    });
}

/** A trace line without `time`, which depends on the backend's latency. */
export function withoutTime(line: object): Record<string, unknown> {
  const { time: _time, ...rest } = line as Record<string, unknown>;
  return rest;
}
