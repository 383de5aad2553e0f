import type { BlockId, RequestId } from '../contracts/ids.js';
import type { BlockCopy } from '../contracts/stepPlan.js';
import { EngineError } from '../contracts/errors.js';
import type { BlockPool } from './blockPool.js';
import { hashBlockTokens } from './blockHash.js';

/** A prefix-cache lookup: the cached blocks that hold the request's leading tokens. */
export interface PrefixHit {
  readonly blockIds: readonly BlockId[];
  readonly numTokens: number;
}

export const NO_PREFIX_HIT: PrefixHit = { blockIds: [], numTokens: 0 };

interface RequestBlocks {
  readonly blockIds: BlockId[];
  /** Hash chain of the request's full blocks, as far as computed. */
  readonly hashes: number[];
  readonly cacheSalt: string | undefined;
}

/**
 * The request-level view of the KV pool: which blocks each request holds, reserving blocks for the tokens
 * a step hands out, caching full blocks as soon as they are reserved, prefix lookups and freeing.
 * The scheduler sees only `tryAllocate(...) → blocks | undefined`; the pool stays hidden.
 *
 * @invariant after every request has finished or been aborted, every block is free
 *   — scheduler.property.test.ts "no block leaks"
 */
export class KvCacheManager {
  private readonly requests = new Map<RequestId, RequestBlocks>();
  private queriedTokens = 0;
  private hitTokens = 0;

  constructor(
    private readonly pool: BlockPool,
    readonly blockSize: number,
    readonly enablePrefixCaching: boolean,
    private readonly hashSeed: number,
  ) {}

  /**
   * Walks the hash chain of `tokens` from the first block and stops at the first miss. The hit is capped
   * below `numPromptTokens` so that the last prompt token is always recomputed (its logits are needed).
   */
  findPrefixHit(tokens: ArrayLike<number>, numPromptTokens: number, cacheSalt?: string): PrefixHit {
    if (!this.enablePrefixCaching) return NO_PREFIX_HIT;
    const maxBlocks = Math.floor((numPromptTokens - 1) / this.blockSize);
    const blockIds: BlockId[] = [];
    let parentHash = this.hashSeed;
    for (let index = 0; index < maxBlocks; index++) {
      const hash = hashBlockTokens(parentHash, tokens, index * this.blockSize, this.blockSize, index === 0 ? cacheSalt : undefined);
      const blockId = this.pool.cachedBlock(hash);
      if (blockId === undefined) break;
      blockIds.push(blockId);
      parentHash = hash;
    }
    return blockIds.length === 0 ? NO_PREFIX_HIT : { blockIds, numTokens: blockIds.length * this.blockSize };
  }

  /**
   * Makes the request hold blocks for its first `numTokens` tokens, taking `prefixHit` blocks first when it
   * holds nothing yet. Returns the newly reserved blocks, or undefined (and changes nothing) when the pool
   * is short. `numSpareBlocks` more must stay free afterwards (the copies a fork at this step will take).
   */
  tryAllocate(
    requestId: RequestId,
    tokens: ArrayLike<number>,
    numTokens: number,
    prefixHit: PrefixHit = NO_PREFIX_HIT,
    cacheSalt?: string,
    numSpareBlocks = 0,
  ): BlockId[] | undefined {
    let held = this.requests.get(requestId);
    const takesHit = held === undefined && prefixHit.blockIds.length > 0;
    const numHeld = held?.blockIds.length ?? (takesHit ? prefixHit.blockIds.length : 0);
    const numNeeded = Math.max(0, Math.ceil(numTokens / this.blockSize) - numHeld);
    if (numNeeded + numSpareBlocks > this.pool.numFreeBlocks - (takesHit ? this.freeBlocksAmong(prefixHit.blockIds) : 0)) {
      return undefined;
    }
    if (held === undefined) {
      held = { blockIds: [], hashes: [], cacheSalt };
      this.requests.set(requestId, held);
    }
    if (takesHit) {
      this.pool.touch(prefixHit.blockIds);
      held.blockIds.push(...prefixHit.blockIds);
    }
    const newBlockIds = this.pool.tryAllocate(numNeeded);
    if (newBlockIds === undefined) throw new EngineError('invariant_violated', 'The free block count changed during an allocation.');
    for (const blockId of newBlockIds) held.blockIds.push(blockId);
    if (this.enablePrefixCaching) this.cacheFullBlocks(held, tokens, Math.min(numTokens, tokens.length));
    return newBlockIds;
  }

  /**
   * Parallel sampling: makes `childId` hold `parentId`'s first `numTokens` tokens. The full blocks are shared
   * (one more reference each, and their hashes); a partially filled last block cannot be shared, since each
   * copy writes its own tokens into it, so the child gets a fresh block and the copy the device must make.
   * The caller has kept a block free for that (`numSpareBlocks` of `tryAllocate`).
   */
  fork(parentId: RequestId, childId: RequestId, numTokens: number): BlockCopy | undefined {
    const parent = this.requests.get(parentId);
    if (parent === undefined || this.requests.has(childId)) {
      throw new EngineError('invariant_violated', `Cannot fork the blocks of '${parentId}' for '${childId}'.`);
    }
    const numFull = Math.floor(numTokens / this.blockSize);
    const shared = parent.blockIds.slice(0, numFull);
    this.pool.touch(shared);
    const child: RequestBlocks = { blockIds: shared, hashes: parent.hashes.slice(0, numFull), cacheSalt: parent.cacheSalt };
    this.requests.set(childId, child);
    if (numTokens % this.blockSize === 0) return undefined;
    const own = this.pool.tryAllocate(1);
    if (own === undefined) throw new EngineError('invariant_violated', `No free block left to fork '${parentId}' for '${childId}'.`);
    child.blockIds.push(own[0]!);
    return { source: parent.blockIds[numFull]!, target: own[0]! };
  }

  /** Frees the request's blocks tail first, so that its prefix stays cached longest. */
  free(requestId: RequestId): void {
    const held = this.requests.get(requestId);
    if (held === undefined) return;
    this.requests.delete(requestId);
    const reversed = held.blockIds.slice().reverse();
    this.pool.free(reversed);
  }

  blocksOf(requestId: RequestId): readonly BlockId[] {
    return this.requests.get(requestId)?.blockIds ?? [];
  }

  numBlocksOf(requestId: RequestId): number {
    return this.requests.get(requestId)?.blockIds.length ?? 0;
  }

  /** Counts a prefix-cache query of `numPromptTokens` with `numHitTokens` reused, in tokens (SPEC §3). */
  recordPrefixQuery(numPromptTokens: number, numHitTokens: number): void {
    if (!this.enablePrefixCaching) return;
    this.queriedTokens += numPromptTokens;
    this.hitTokens += numHitTokens;
  }

  get prefixCacheQueriedTokens(): number {
    return this.queriedTokens;
  }

  get prefixCacheHitTokens(): number {
    return this.hitTokens;
  }

  usage(): number {
    return this.pool.usage();
  }

  get numFreeBlocks(): number {
    return this.pool.numFreeBlocks;
  }

  resetPrefixCache(): boolean {
    return this.pool.resetPrefixCache();
  }

  private freeBlocksAmong(blockIds: readonly BlockId[]): number {
    let count = 0;
    for (const blockId of blockIds) if (this.pool.isFree(blockId)) count += 1;
    return count;
  }

  private cacheFullBlocks(held: RequestBlocks, tokens: ArrayLike<number>, numKnownTokens: number): void {
    const numFull = Math.min(Math.floor(numKnownTokens / this.blockSize), held.blockIds.length);
    for (let index = held.hashes.length; index < numFull; index++) {
      const parentHash = index === 0 ? this.hashSeed : held.hashes[index - 1]!;
      const hash = hashBlockTokens(parentHash, tokens, index * this.blockSize, this.blockSize, index === 0 ? held.cacheSalt : undefined);
      held.hashes.push(hash);
      this.pool.cacheBlock(held.blockIds[index]!, hash);
    }
  }
}
