// Builds the tiny preset into a fresh temporary directory; each test file gets its own copy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, type BuildModelOptions, type BuiltModel } from '../../../src/models/build/index.js';

export interface TempModel {
  readonly built: BuiltModel;
  readonly dir: string;
  remove(): void;
}

export function buildTempModel(options: Partial<Omit<BuildModelOptions, 'outDir'>> = {}): TempModel {
  const root = mkdtempSync(join(tmpdir(), 'spyre-model-'));
  const dir = join(root, 'model');
  const built = buildModel({ preset: 'tiny', ...options, outDir: dir });
  return { built, dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random token ids below `vocabSize`. */
export function randomIds(seed: number, length: number, vocabSize: number): number[] {
  let state = seed * 2654435761 + 1;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % vocabSize;
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return Number.isNaN(max) ? Infinity : max;
}
