// The model `spyre serve` runs when no MODEL is given: the `tiny` preset, built on first use.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runModelBuild } from './model.js';

/** Where the default model lives, relative to the working directory (git-ignored). */
export const DEFAULT_MODEL_DIR = 'models/tiny';

/** True when `model` names the default model directory (as given or resolved). */
export function isDefaultModel(model: string): boolean {
  return resolve(model) === resolve(DEFAULT_MODEL_DIR);
}

function isBuilt(dir: string): boolean {
  return existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'tokenizer.json')) && existsSync(join(dir, 'onnx', 'model.onnx'));
}

/**
 * Builds the `tiny` preset into `dir` (default ./models/tiny) when it is missing, drawing progress on
 * stderr. Returns the directory. An existing complete model is left alone.
 */
export function ensureDefaultModel(dir: string = DEFAULT_MODEL_DIR, stderr: NodeJS.WritableStream = process.stderr): string {
  if (isBuilt(dir)) return dir;
  stderr.write(`Building the default model (preset tiny) into ${dir} ...\n`);
  const built = runModelBuild({ preset: 'tiny', out: dir, seed: 0, force: true }, stderr);
  stderr.write(`Built ${built.modelDir}: ${built.parameterCount.toLocaleString('en-US')} parameters.\n`);
  return dir;
}
