import { BLOCK_SIZE, NULL_BLOCK_ID, type BlockId } from '../../core/contracts/ids.js';
import type { FloatDtype } from './decoderIoLayout.js';

/** KV values as the model reads them: float32, or float16 bits for float16 models (copied, never converted). */
export type KvArray = Float32Array | Uint16Array;

/** A zeroed KV array of `length` values in `dtype`. */
export function kvArray(dtype: FloatDtype, length: number): KvArray {
  return dtype === 'float16' ? new Uint16Array(length) : new Float32Array(length);
}

export interface PagedKvShape {
  readonly numBlocks: number;
  readonly numLayers: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly dtype: FloatDtype;
}

/**
 * The backend's KV cache: per layer, one key pool and one value pool of `numBlocks` blocks of 64 token
 * slots, addressed by the core's block ids. Layout per pool: [block][kv head][slot][head dim], so one
 * block of one head is a contiguous run and a gather copies whole runs.
 *
 * @invariant block 0 (the null block) is never written: writes aimed at it are dropped, so it stays zero
 * and padding reads finite values. Checked by pagedKvStore.test.ts.
 */
export class PagedKvStore {
  readonly keys: readonly KvArray[];
  readonly values: readonly KvArray[];
  /** Elements per (block, head) run: 64 × head_dim; head h of a token starts `h × headRun` after head 0. */
  readonly headRun: number;
  /** Elements per block: kv heads × 64 × head_dim. */
  private readonly blockStride: number;

  constructor(readonly shape: PagedKvShape) {
    this.headRun = BLOCK_SIZE * shape.headDim;
    this.blockStride = shape.numKvHeads * this.headRun;
    const size = shape.numBlocks * this.blockStride;
    // Written once now, so the operating system maps every page at startup: left to first touch, each block's
    // pages fault in the step that first writes it, a millisecond or more per prefill on a cold pool (and the
    // pool is cycled through only slowly, so "cold" lasts for several passes over a workload).
    const make = (): KvArray => kvArray(shape.dtype, size).fill(0);
    this.keys = Array.from({ length: shape.numLayers }, make);
    this.values = Array.from({ length: shape.numLayers }, make);
  }

  /** Bytes held by all pools. */
  get byteLength(): number {
    return this.keys.reduce((sum, pool) => sum + pool.byteLength, 0) * 2;
  }

  /**
   * Copies a sequence's first `numTokens` positions (position t lives in `blockTable[firstBlock + t/64]`
   * at slot t%64) into `target`, laid out [heads][targetLength][head dim] from `targetOffset`, right-aligned:
   * position t lands at index `targetLength - numTokens + t`.
   */
  gather(pool: KvArray, blockTable: readonly BlockId[], firstBlock: number, numTokens: number, target: KvArray, targetOffset: number, targetLength: number): void {
    this.gatherFrom(pool, blockTable, firstBlock, numTokens, target, targetOffset, targetLength, targetLength - numTokens);
  }

  /** As `gather`, with position t landing at index `start + t` of each head's `targetLength` positions. */
  gatherFrom(pool: KvArray, blockTable: readonly BlockId[], firstBlock: number, numTokens: number, target: KvArray, targetOffset: number, targetLength: number, start: number): void {
    const { numKvHeads, headDim } = this.shape;
    for (let head = 0; head < numKvHeads; head++) {
      const headBase = targetOffset + (head * targetLength + start) * headDim;
      for (let t = 0; t < numTokens; t += BLOCK_SIZE) {
        const blockId = blockTable[firstBlock + t / BLOCK_SIZE] as BlockId;
        const count = Math.min(BLOCK_SIZE, numTokens - t);
        const from = blockId * this.blockStride + head * this.headRun;
        target.set(pool.subarray(from, from + count * headDim), headBase + t * headDim);
      }
    }
  }

  /** Copies every layer's keys and values of block `source` into block `target` (a fork's copy on write). Block 0 is never written. */
  copyBlock(source: BlockId, target: BlockId): void {
    if (target === NULL_BLOCK_ID || target === source) return;
    const from = source * this.blockStride;
    for (const pool of [...this.keys, ...this.values]) pool.copyWithin(target * this.blockStride, from, from + this.blockStride);
  }

  /**
   * Writes one token's KV from a `present` tensor laid out [heads][sourceLength][head dim] (from
   * `sourceOffset`, token index `sourceIndex`) into `blockId` at `slot`. Block 0 is dropped.
   */
  scatterToken(pool: KvArray, source: KvArray, sourceOffset: number, sourceLength: number, sourceIndex: number, blockId: BlockId, slot: number): void {
    if (blockId === NULL_BLOCK_ID) return;
    const { numKvHeads, headDim } = this.shape;
    const blockBase = blockId * this.blockStride + slot * headDim;
    // One head's token is head_dim values: an element loop, because a subarray view per copy (rows ×
    // layers × heads of them per decode step) costs more in allocation and GC than the copy itself.
    for (let head = 0; head < numKvHeads; head++) {
      const from = sourceOffset + (head * sourceLength + sourceIndex) * headDim;
      const to = blockBase + head * this.headRun;
      for (let d = 0; d < headDim; d++) pool[to + d] = source[from + d] as number;
    }
  }

  /**
   * Writes `count` consecutive tokens (source indices from `sourceIndex`) into `blockId` from `slot`:
   * one copy per head instead of one per token. Block 0 is dropped.
   */
  scatterRun(pool: KvArray, source: KvArray, sourceLength: number, sourceIndex: number, count: number, blockId: BlockId, slot: number): void {
    if (blockId === NULL_BLOCK_ID || count <= 0) return;
    const { numKvHeads, headDim } = this.shape;
    const blockBase = blockId * this.blockStride + slot * headDim;
    for (let head = 0; head < numKvHeads; head++) {
      const from = (head * sourceLength + sourceIndex) * headDim;
      pool.set(source.subarray(from, from + count * headDim), blockBase + head * this.headRun);
    }
  }
}
