/**
 * The prefix-cache scorer's approximate index of which replica holds which prompt block: per replica an LRU
 * of block hashes with a capacity (its KV blocks, when auto-tuned), and for each hash the replicas that hold
 * it. It is the router's own memory of where it sent prompts, not the replicas' caches.
 */
export class PrefixIndexer {
  private readonly lru: Map<number, true>[];
  private readonly holders = new Map<number, Set<number>>();

  constructor(numReplicas: number) {
    this.lru = Array.from({ length: numReplicas }, () => new Map<number, true>());
  }

  /** The replicas that hold `hash` (empty when none). */
  get(hash: number): ReadonlySet<number> | undefined {
    return this.holders.get(hash);
  }

  add(hashes: readonly number[], replica: number, capacity: number): void {
    const lru = this.lru[replica]!;
    for (const hash of hashes) {
      if (lru.delete(hash)) {
        lru.set(hash, true);
        continue;
      }
      lru.set(hash, true);
      let holders = this.holders.get(hash);
      if (holders === undefined) this.holders.set(hash, (holders = new Set()));
      holders.add(replica);
      while (lru.size > capacity) this.evictOldest(replica);
    }
  }

  private evictOldest(replica: number): void {
    const lru = this.lru[replica]!;
    const oldest = lru.keys().next().value as number;
    lru.delete(oldest);
    const holders = this.holders.get(oldest)!;
    holders.delete(replica);
    if (holders.size === 0) this.holders.delete(oldest);
  }
}
