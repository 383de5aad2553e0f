import type { BlockId } from '../contracts/ids.js';

const NONE = -1;

/**
 * The free blocks as an intrusive doubly linked list over typed arrays, least recently freed first.
 * O(1) push at the tail, pop at the head and removal from the middle (a prefix hit on a free cached block),
 * with no allocation per operation.
 *
 * @invariant a block is in the queue iff its reference count is 0 (test/property/blockPool.property.test.ts).
 */
export class FreeBlockQueue {
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly queued: Uint8Array;
  private head = NONE;
  private tail = NONE;
  private count = 0;

  /** Queues blocks `firstBlockId .. capacity-1` in ascending order. */
  constructor(capacity: number, firstBlockId: BlockId) {
    this.prev = new Int32Array(capacity).fill(NONE);
    this.next = new Int32Array(capacity).fill(NONE);
    this.queued = new Uint8Array(capacity);
    for (let id = firstBlockId; id < capacity; id++) this.pushTail(id);
  }

  get length(): number {
    return this.count;
  }

  has(blockId: BlockId): boolean {
    return this.queued[blockId] === 1;
  }

  /** The least recently freed block, removed; undefined when empty. */
  popHead(): BlockId | undefined {
    if (this.head === NONE) return undefined;
    const blockId = this.head;
    this.remove(blockId);
    return blockId;
  }

  pushTail(blockId: BlockId): void {
    this.prev[blockId] = this.tail;
    this.next[blockId] = NONE;
    if (this.tail === NONE) this.head = blockId;
    else this.next[this.tail] = blockId;
    this.tail = blockId;
    this.queued[blockId] = 1;
    this.count += 1;
  }

  remove(blockId: BlockId): void {
    const before = this.prev[blockId]!;
    const after = this.next[blockId]!;
    if (before === NONE) this.head = after;
    else this.next[before] = after;
    if (after === NONE) this.tail = before;
    else this.prev[after] = before;
    this.prev[blockId] = NONE;
    this.next[blockId] = NONE;
    this.queued[blockId] = 0;
    this.count -= 1;
  }

  /** Block ids from head (next to be reused) to tail. For traces and tests. */
  toArray(): BlockId[] {
    const ids: BlockId[] = [];
    for (let id = this.head; id !== NONE; id = this.next[id]!) ids.push(id);
    return ids;
  }
}
