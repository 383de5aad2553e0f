import type { BlockId } from './ids.js';

/** The kind of an executed step; `idle` when nothing could run (waiting for arrivals). */
export type StepKind = 'prefill' | 'decode' | 'idle';

/**
 * One line of the step trace (SPEC §8), written after each executed step. Field names are part of the
 * scenario format: tools and golden traces read them.
 */
export interface StepTraceLine {
  readonly step: number;
  readonly kind: StepKind;
  readonly time: number;
  readonly tkv: number;
  readonly waiting: readonly string[];
  readonly running: readonly string[];
  readonly outputs: readonly string[];
  readonly finished: readonly string[];
  readonly usedBlocks: number;
  readonly freeBlocks: number;
  readonly blockTables: Readonly<Record<string, readonly BlockId[]>>;
  readonly refCounts: Readonly<Record<string, number>>;
  readonly cachedBlocks: number;
  readonly prefillSlotBlocks: Readonly<Record<string, readonly BlockId[]>>;
}
