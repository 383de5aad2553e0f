import type { PrefixCacheParameters } from '../clusterSchema.js';
import { PrefixIndexer } from './prefixIndexer.js';
import type { RoutedRequest, ScrapedMetrics } from './router.js';
import type { Scorer } from './scorer.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mixString(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function mixInt(hash: number, value: number): number {
  let h = hash;
  for (let shift = 0; shift < 32; shift += 8) h = Math.imul(h ^ ((value >>> shift) & 0xff), FNV_PRIME);
  return h >>> 0;
}

/**
 * `prefix-cache-scorer` (the inference extension's approximate prefix-cache plugin): the prompt is cut into
 * blocks of `blockSize` tokens (at most `maxPrefixBlocksToMatch`, a shorter tail ignored); block i's hash
 * chains block i's tokens with hash i−1, the first seeded with the cache salt. A replica scores the number of
 * leading blocks the router has sent it before, over the number of blocks. When the picker chooses a replica,
 * the request's blocks are recorded for it (PreRequest), in an LRU of `num_gpu_blocks` entries per replica
 * when auto-tuned, `lruCapacityPerServer` otherwise.
 */
export class PrefixCacheScorer implements Scorer {
  readonly type = 'prefix-cache-scorer';
  private readonly indexer: PrefixIndexer;
  private lastHashes: number[] = [];
  private lastIndex = -1;
  private readonly matched: Int32Array;

  constructor(
    private readonly parameters: PrefixCacheParameters,
    numReplicas: number,
  ) {
    this.indexer = new PrefixIndexer(numReplicas);
    this.matched = new Int32Array(numReplicas);
  }

  score(request: RoutedRequest, metrics: ScrapedMetrics, out: Float64Array): void {
    const hashes = this.hashesOf(request, metrics);
    this.matched.fill(0);
    for (const hash of hashes) {
      const holders = this.indexer.get(hash);
      if (holders === undefined || holders.size === 0) break;
      for (const replica of holders) this.matched[replica]!++;
    }
    for (let replica = 0; replica < out.length; replica++) out[replica] = hashes.length === 0 ? 0 : this.matched[replica]! / hashes.length;
  }

  picked(request: RoutedRequest, replica: number, metrics: ScrapedMetrics): void {
    const capacity = this.parameters.autoTune && metrics.numGpuBlocks[replica]! > 0 ? metrics.numGpuBlocks[replica]! : this.parameters.lruCapacityPerServer;
    this.indexer.add(this.hashesOf(request, metrics), replica, capacity);
  }

  private hashesOf(request: RoutedRequest, metrics: ScrapedMetrics): number[] {
    if (request.index === this.lastIndex) return this.lastHashes;
    const blockSize = this.parameters.autoTune && metrics.blockSize[0]! > 0 ? metrics.blockSize[0]! : this.parameters.blockSize;
    const tokens = request.promptTokenIds;
    const numBlocks = Math.min(Math.floor(tokens.length / blockSize), this.parameters.maxPrefixBlocksToMatch);
    const hashes: number[] = [];
    let previous = mixString(FNV_OFFSET, request.cacheSalt ?? '');
    for (let block = 0; block < numBlocks; block++) {
      let high = mixInt(previous, block);
      let low = mixInt(previous ^ 0x9e3779b9, block);
      for (let i = block * blockSize; i < (block + 1) * blockSize; i++) {
        high = mixInt(high, tokens[i]!);
        low = mixInt(low, tokens[i]! ^ 0x5bd1e995);
      }
      // 52 bits of two 32-bit hashes: an exact JavaScript number, so colliding prompts are vanishingly rare.
      const hash = high * 0x100000 + (low >>> 12);
      hashes.push(hash);
      previous = (high ^ low) >>> 0;
    }
    this.lastIndex = request.index;
    this.lastHashes = hashes;
    return hashes;
  }
}
