// Tiny generated encoders (a fraction of a MB, about a second to build) in temporary directories.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEncoderModel, type BuiltEncoderModel, type EncoderPresetName } from '../../src/models/build/encoder/index.js';

export interface TempEncoder {
  readonly dir: string;
  readonly built: BuiltEncoderModel;
  remove(): void;
}

export function buildTempEncoder(preset: EncoderPresetName, seed = 0): TempEncoder {
  const root = mkdtempSync(join(tmpdir(), 'spyre-encoder-'));
  const dir = join(root, 'model');
  const built = buildEncoderModel({ preset, outDir: dir, seed });
  return { dir, built, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    normA += (a[i] as number) ** 2;
    normB += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(normA * normB);
}
