import { NULL_BLOCK_ID, type BlockId } from '../contracts/ids.js';
import { EngineError } from '../contracts/errors.js';
import { FreeBlockQueue } from './freeBlockQueue.js';

const NO_HASH = -1;

/**
 * Every KV block of the device, preallocated: reference counts, the LRU free queue and the prefix-cache
 * map from block hash to cached blocks. Block 0 is the null block: never handed out, never freed.
 *
 * @invariant free + used = total - 1 (the null block is neither) — blockPool.property.test.ts "conservation"
 * @invariant no reference count is negative — blockPool.property.test.ts "reference counts"
 * @invariant a block is in the free queue iff its reference count is 0 — blockPool.property.test.ts "free queue"
 * @invariant a cached block stays cached while free; it is evicted only when popped for reuse — "lazy eviction"
 */
export class BlockPool {
  private readonly refCounts: Int32Array;
  private readonly hashes: Float64Array;
  private readonly freeQueue: FreeBlockQueue;
  /** Hash → cached blocks with that hash, in the order they were cached; lookups take the first. */
  private readonly cachedByHash = new Map<number, BlockId[]>();

  constructor(readonly numBlocks: number) {
    if (!Number.isInteger(numBlocks) || numBlocks < 2) {
      throw new EngineError('invalid_config', `The KV block pool needs at least 2 blocks (the null block and one more); got ${numBlocks}.`);
    }
    this.refCounts = new Int32Array(numBlocks);
    this.hashes = new Float64Array(numBlocks).fill(NO_HASH);
    this.freeQueue = new FreeBlockQueue(numBlocks, NULL_BLOCK_ID + 1);
  }

  get numFreeBlocks(): number {
    return this.freeQueue.length;
  }

  /** Blocks a request can hold: all but the null block. */
  get numUsableBlocks(): number {
    return this.numBlocks - 1;
  }

  /** `1 - free / (total - 1)`, as `vllm:kv_cache_usage_perc`. */
  usage(): number {
    return 1 - this.freeQueue.length / this.numUsableBlocks;
  }

  refCount(blockId: BlockId): number {
    return this.refCounts[blockId]!;
  }

  isFree(blockId: BlockId): boolean {
    return this.freeQueue.has(blockId);
  }

  /** Pops `count` blocks from the head of the free queue (evicting their cache entries), or undefined. */
  tryAllocate(count: number): BlockId[] | undefined {
    if (count > this.freeQueue.length) return undefined;
    const blockIds: BlockId[] = new Array<BlockId>(count);
    for (let i = 0; i < count; i++) {
      const blockId = this.freeQueue.popHead()!;
      this.evict(blockId);
      this.refCounts[blockId] = 1;
      blockIds[i] = blockId;
    }
    return blockIds;
  }

  /** Takes a reference on blocks found by a prefix lookup, pulling free ones out of the free queue. */
  touch(blockIds: readonly BlockId[]): void {
    for (const blockId of blockIds) {
      if (this.refCounts[blockId] === 0) this.freeQueue.remove(blockId);
      this.refCounts[blockId]! += 1;
    }
  }

  /** Drops one reference on each block, in the given order; blocks reaching 0 join the free queue's tail. */
  free(blockIds: readonly BlockId[]): void {
    for (const blockId of blockIds) {
      const count = this.refCounts[blockId]! - 1;
      if (count < 0 || blockId === NULL_BLOCK_ID) {
        throw new EngineError('invariant_violated', `Block ${blockId} was freed more often than it was taken.`);
      }
      this.refCounts[blockId] = count;
      if (count === 0) this.freeQueue.pushTail(blockId);
    }
  }

  /** The first cached block with this hash, if any. */
  cachedBlock(hash: number): BlockId | undefined {
    return this.cachedByHash.get(hash)?.[0];
  }

  /** Records a full block under its hash. Equal blocks are not merged: both stay cached. */
  cacheBlock(blockId: BlockId, hash: number): void {
    if (this.hashes[blockId] !== NO_HASH) return;
    this.hashes[blockId] = hash;
    const sameHash = this.cachedByHash.get(hash);
    if (sameHash === undefined) this.cachedByHash.set(hash, [blockId]);
    else sameHash.push(blockId);
  }

  /** Forgets every cached block; refused (false) while any block is in use. */
  resetPrefixCache(): boolean {
    if (this.freeQueue.length !== this.numUsableBlocks) return false;
    this.cachedByHash.clear();
    this.hashes.fill(NO_HASH);
    return true;
  }

  /** Free block ids from next-to-reuse to most recently freed. */
  freeBlockOrder(): BlockId[] {
    return this.freeQueue.toArray();
  }

  private evict(blockId: BlockId): void {
    const hash = this.hashes[blockId]!;
    if (hash === NO_HASH) return;
    this.hashes[blockId] = NO_HASH;
    const sameHash = this.cachedByHash.get(hash)!;
    const index = sameHash.indexOf(blockId);
    sameHash.splice(index, 1);
    if (sameHash.length === 0) this.cachedByHash.delete(hash);
  }
}
