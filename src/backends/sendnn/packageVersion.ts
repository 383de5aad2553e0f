import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** This package's version (package.json): what the catalog records as `vllm_spyre_version`. */
export function packageVersion(): string {
  if (cached === undefined) {
    const path = resolve(dirname(fileURLToPath(import.meta.url)), '../../../package.json');
    cached = String((JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  }
  return cached;
}
