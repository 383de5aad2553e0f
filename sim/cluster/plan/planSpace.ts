import { EngineError } from '../../../src/core/contracts/errors.js';

/** The axes `spyre sim plan` searches, besides the replica count. */
export interface PlanAxes {
  /** tensor_parallel_size values: cards per replica. */
  readonly cardsPerReplica: readonly number[];
  readonly chunkSizes: readonly number[];
  readonly maxNumSeqs: readonly number[];
}

/** One replica configuration of the search; a fleet is `replicas` copies of it. */
export interface PlanCandidate {
  /** Its place in the full search, the same in every shard. */
  readonly index: number;
  readonly tensorParallelSize: number;
  readonly maxNumBatchedTokens: number;
  readonly maxNumSeqs: number;
  readonly label: string;
}

/** Every combination, chunk size varying fastest, then max_num_seqs, then cards per replica. */
export function planCandidates(axes: PlanAxes): PlanCandidate[] {
  const candidates: PlanCandidate[] = [];
  for (const tensorParallelSize of axes.cardsPerReplica) {
    for (const maxNumSeqs of axes.maxNumSeqs) {
      for (const maxNumBatchedTokens of axes.chunkSizes) {
        candidates.push({ index: candidates.length, tensorParallelSize, maxNumBatchedTokens, maxNumSeqs, label: `TP${tensorParallelSize} chunk=${maxNumBatchedTokens} seqs=${maxNumSeqs}` });
      }
    }
  }
  return candidates;
}

/** `--shard i/n`: shard i (1-based) of n. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match === null ? Number.NaN : Number(match[1]);
  const count = match === null ? Number.NaN : Number(match[2]);
  if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 1 || index > count) {
    throw new EngineError('invalid_config', `--shard takes i/n with 1 ≤ i ≤ n, e.g. 2/4 for the second of four shards; got '${text}'.`);
  }
  return { index, count };
}

/** The candidates of one shard: every n-th, starting at the i-th, so shards get a like mix of the axes. */
export function shardCandidates(candidates: readonly PlanCandidate[], shard: Shard): PlanCandidate[] {
  return candidates.filter((candidate) => candidate.index % shard.count === shard.index - 1);
}
