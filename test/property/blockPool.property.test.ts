import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockPool } from '../../src/core/kv/blockPool.js';
import { poolInvariantViolation } from '../support/poolInvariants.js';

type Operation =
  | { readonly kind: 'allocate'; readonly count: number }
  | { readonly kind: 'free'; readonly holder: number }
  | { readonly kind: 'cache'; readonly holder: number; readonly hash: number }
  | { readonly kind: 'hit'; readonly hash: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('allocate' as const), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('free' as const), holder: fc.nat(20) }),
  fc.record({ kind: fc.constant('cache' as const), holder: fc.nat(20), hash: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('hit' as const), hash: fc.integer({ min: 1, max: 8 }) }),
);

/**
 * A deliberately naive model of the pool: a plain array as the free list, a map of hashes, linear scans.
 * The real pool must agree with it after every operation.
 */
class NaivePool {
  freeOrder: number[];
  readonly refCounts: number[];
  readonly hashOf = new Map<number, number>();
  readonly cachedOrder: number[] = [];

  constructor(numBlocks: number) {
    this.freeOrder = Array.from({ length: numBlocks - 1 }, (_, index) => index + 1);
    this.refCounts = new Array<number>(numBlocks).fill(0);
  }

  allocate(count: number): number[] | undefined {
    if (count > this.freeOrder.length) return undefined;
    const taken = this.freeOrder.splice(0, count);
    for (const blockId of taken) {
      this.refCounts[blockId] = 1;
      if (this.hashOf.delete(blockId)) this.cachedOrder.splice(this.cachedOrder.indexOf(blockId), 1);
    }
    return taken;
  }

  free(blockIds: readonly number[]): void {
    for (const blockId of blockIds) {
      this.refCounts[blockId]! -= 1;
      if (this.refCounts[blockId] === 0) this.freeOrder.push(blockId);
    }
  }

  touch(blockId: number): void {
    if (this.refCounts[blockId] === 0) this.freeOrder.splice(this.freeOrder.indexOf(blockId), 1);
    this.refCounts[blockId]! += 1;
  }

  cache(blockId: number, hash: number): void {
    if (this.hashOf.has(blockId)) return;
    this.hashOf.set(blockId, hash);
    this.cachedOrder.push(blockId);
  }

  lookup(hash: number): number | undefined {
    return this.cachedOrder.find((blockId) => this.hashOf.get(blockId) === hash);
  }
}

describe('having a block pool and a naive model of it', () => {
  it('when random allocations, frees, caching and prefix hits run, should agree on free order, reference counts and hits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 24 }), fc.array(operation, { maxLength: 120 }), (numBlocks, operations) => {
        const pool = new BlockPool(numBlocks);
        const model = new NaivePool(numBlocks);
        const holders: number[][] = [];
        for (const op of operations) {
          if (op.kind === 'allocate') {
            const got = pool.tryAllocate(op.count);
            expect(got).toEqual(model.allocate(op.count));
            if (got !== undefined) holders.push(got);
          } else if (op.kind === 'free' && holders.length > 0) {
            const [blockIds] = holders.splice(op.holder % holders.length, 1);
            const tailFirst = blockIds!.slice().reverse();
            pool.free(tailFirst);
            model.free(tailFirst);
          } else if (op.kind === 'cache' && holders.length > 0) {
            const blockIds = holders[op.holder % holders.length]!;
            const blockId = blockIds[op.hash % blockIds.length]!;
            pool.cacheBlock(blockId, op.hash);
            model.cache(blockId, op.hash);
          } else if (op.kind === 'hit') {
            const blockId = pool.cachedBlock(op.hash);
            expect(blockId).toBe(model.lookup(op.hash));
            if (blockId !== undefined) {
              pool.touch([blockId]);
              model.touch(blockId);
              holders.push([blockId]);
            }
          }
          expect(pool.freeBlockOrder()).toEqual(model.freeOrder);
          expect(poolInvariantViolation(pool)).toBeUndefined();
          for (let blockId = 1; blockId < numBlocks; blockId++) expect(pool.refCount(blockId)).toBe(model.refCounts[blockId]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
