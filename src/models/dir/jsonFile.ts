import { existsSync, readFileSync } from 'node:fs';
import { ModelDirError } from './modelDirError.js';

export type JsonObject = Readonly<Record<string, unknown>>;

/** Reads a JSON object; a missing file, bad JSON or a non-object each throw a ModelDirError naming `path`. */
export function readJsonObject(path: string): JsonObject {
  if (!existsSync(path)) throw new ModelDirError('missing-file', path, 'file not found');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelDirError('invalid-json', path, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelDirError('invalid-json', path, 'expected a JSON object at the top level');
  }
  return parsed as JsonObject;
}

export function readOptionalJsonObject(path: string): JsonObject | undefined {
  return existsSync(path) ? readJsonObject(path) : undefined;
}
