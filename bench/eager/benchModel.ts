// The model the eager benchmarks run: a directory given with --model, else the small-100m preset built once
// into .cache/bench-models/ (about 10 s).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../../src/models/build/index.js';

export function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

export function benchModelDir(): string {
  const given = argValue('--model');
  if (given !== undefined) return given;
  const dir = join('.cache', 'bench-models', 'small-100m');
  if (!existsSync(join(dir, 'config.json'))) {
    process.stderr.write(`building the small-100m preset into ${dir} …\n`);
    buildModel({ preset: 'small-100m', outDir: dir });
  }
  return dir;
}

/** Deterministic prompt texts of roughly `words` words. */
export function benchPrompts(count: number, words: number): string[] {
  const vocabulary = ['the', 'engine', 'serves', 'tokens', 'from', 'a', 'small', 'model', 'on', 'two', 'cores', 'with', 'paged', 'blocks', 'and', 'chunked', 'prefill'];
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: words }, (_, w) => vocabulary[(i * 7 + w * 3 + ((i * w) % 5)) % vocabulary.length]).join(' '));
}
