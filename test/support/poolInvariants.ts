import type { BlockPool } from '../../src/core/kv/blockPool.js';

/** Checks the block pool's conservation laws; returns the first violation found, or undefined. */
export function poolInvariantViolation(pool: BlockPool): string | undefined {
  let used = 0;
  for (let blockId = 1; blockId < pool.numBlocks; blockId++) {
    const refCount = pool.refCount(blockId);
    if (refCount < 0) return `block ${blockId} has reference count ${refCount}`;
    if (refCount > 0) used += 1;
    if (pool.isFree(blockId) !== (refCount === 0)) return `block ${blockId}: free=${pool.isFree(blockId)} but refCount=${refCount}`;
  }
  if (pool.refCount(0) !== 0 || pool.isFree(0)) return 'the null block was handed out or queued';
  if (used + pool.numFreeBlocks !== pool.numBlocks - 1) return `free ${pool.numFreeBlocks} + used ${used} != ${pool.numBlocks - 1}`;
  if (pool.freeBlockOrder().length !== pool.numFreeBlocks) return 'free queue length disagrees with its count';
  return undefined;
}
