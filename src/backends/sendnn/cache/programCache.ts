// The compiled-program cache (TORCH_SENDNN_CACHE_ENABLE / TORCH_SENDNN_CACHE_DIR): load a program's
// artifact when it is there and intact, else compile it (unless compilation is disabled) and save it.
import { join } from 'node:path';
import { programCacheKey } from '../../../core/catalog/cacheKey.js';
import { compilationDisabled } from '../../../core/catalog/catalogTexts.js';
import { describeProgramShape, type ProgramShape } from '../../../core/catalog/programShape.js';
import { EngineError } from '../../../core/contracts/errors.js';
import type { Logger } from '../../../core/contracts/logger.js';
import { SendnnCallError, type NativeHandle, type SendnnLibrary } from '../ffi/sendnnLibrary.js';

export interface CachePolicy {
  /** The cache directory when the cache is enabled; undefined: always compile, never save. */
  readonly cacheDir: string | undefined;
  readonly compilationDisabled: boolean;
}

/** How a program came to be on the device. */
export type ProgramSource = 'cache' | 'compiled' | 'recompiled';

export interface ObtainedProgram {
  readonly shape: ProgramShape;
  readonly handle: NativeHandle;
  readonly source: ProgramSource;
  readonly artifactPath: string | undefined;
  readonly elapsedMs: number;
}

const CACHE_PROBLEMS = new Set(['SENDNN_E_CACHE_MISS', 'SENDNN_E_ARTIFACT_CORRUPT', 'SENDNN_E_ARTIFACT_MISMATCH']);

export function artifactPathFor(library: SendnnLibrary, modelFingerprint: string, shape: ProgramShape, cacheDir: string, cards = 1): { path: string; key: string } {
  const { key, fileName } = programCacheKey({
    modelFingerprint, shape, dtype: 'fp32', libraryName: library.name, libraryVersion: library.version, abiVersion: library.abiVersion, cards,
  });
  return { path: join(cacheDir, fileName), key };
}

/** How one program of one model is loaded or compiled (decoder and encoder programs use different calls). */
export interface ProgramSourceOps {
  readonly modelFingerprint: string;
  /** The cards the program is sharded over (decoders: --tensor-parallel-size; encoders: 1). */
  readonly cards?: number;
  load(artifactPath: string, key: string): NativeHandle;
  /** Compiles; what it needs (the uploaded weights) is made on first use, so a cache hit never uploads them. */
  compile(): NativeHandle;
}

export function obtainProgram(library: SendnnLibrary, shape: ProgramShape, ops: ProgramSourceOps, policy: CachePolicy, logger: Logger): ObtainedProgram {
  const startMs = performance.now();
  const artifact = policy.cacheDir === undefined ? undefined : artifactPathFor(library, ops.modelFingerprint, shape, policy.cacheDir, ops.cards);
  let problem = 'the compilation cache is disabled (TORCH_SENDNN_CACHE_ENABLE=0 or no TORCH_SENDNN_CACHE_DIR)';
  if (artifact !== undefined) {
    try {
      const handle = ops.load(artifact.path, artifact.key);
      return { shape, handle, source: 'cache', artifactPath: artifact.path, elapsedMs: performance.now() - startMs };
    } catch (error) {
      if (!(error instanceof SendnnCallError) || !CACHE_PROBLEMS.has(error.status)) throw error;
      problem = error.status === 'SENDNN_E_CACHE_MISS' ? 'no artifact' : error.message;
      if (error.status !== 'SENDNN_E_CACHE_MISS') logger.warn(`[sendnn] cached ${describeProgramShape(shape)} program is unusable, recompiling: ${error.message}`);
    }
  }
  if (policy.compilationDisabled) {
    throw new EngineError('backend_failed', compilationDisabled(describeProgramShape(shape), artifact?.path ?? '(no cache directory)', problem));
  }
  const handle = ops.compile();
  try {
    if (artifact !== undefined) library.saveProgram(handle, artifact.path, artifact.key);
  } catch (error) {
    library.freeProgram(handle);
    throw error;
  }
  const source: ProgramSource = problem === 'no artifact' || artifact === undefined ? 'compiled' : 'recompiled';
  return { shape, handle, source, artifactPath: artifact?.path, elapsedMs: performance.now() - startMs };
}
