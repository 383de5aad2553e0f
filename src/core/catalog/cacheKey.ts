import { createHash } from 'node:crypto';
import type { ProgramShape } from './programShape.js';

/** Everything a compiled program depends on. Two programs with the same identity are interchangeable. */
export interface ProgramIdentity {
  /** Fingerprint of the model's architecture and weights. */
  readonly modelFingerprint: string;
  readonly shape: ProgramShape;
  /** Numeric format of weights and activations. */
  readonly dtype: 'fp32';
  readonly libraryName: string;
  readonly libraryVersion: string;
  readonly abiVersion: number;
  /** The cards a program is sharded over (--tensor-parallel-size); default 1. */
  readonly cards?: number;
}

export interface ProgramCacheKey {
  /** Canonical text of the identity; stored in the artifact's header and compared on load. */
  readonly key: string;
  /** File name of the artifact in the cache directory: readable prefix + digest of the key. */
  readonly fileName: string;
}

export const ARTIFACT_EXTENSION = '.sendnn';

/** The cache key of a program: a fixed-order text of its identity, and a file name derived from it. */
export function programCacheKey(identity: ProgramIdentity): ProgramCacheKey {
  const s = identity.shape;
  const key = [
    `model=${identity.modelFingerprint}`,
    `kind=${s.kind}`,
    `batch=${s.batchSize}`,
    `slots=${s.numSlots}`,
    `context=${s.maxContext}`,
    `dtype=${identity.dtype}`,
    `library=${identity.libraryName}@${identity.libraryVersion}`,
    `abi=${identity.abiVersion}`,
    `cards=${identity.cards ?? 1}`,
  ].join(';');
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 24);
  return { key, fileName: `${s.kind}-b${s.batchSize}-s${s.numSlots}-c${s.maxContext}-${digest}${ARTIFACT_EXTENSION}` };
}
