import { mulberry32 } from '../../../core/util/mulberry32.js';

export type DatasetName = 'random' | 'shared-prefix';

export const DATASET_NAMES: readonly DatasetName[] = ['random', 'shared-prefix'];

/** One benchmark request: prompt token ids (exact lengths, no tokenizer round trip) and its output length. */
export interface BenchRequest {
  readonly promptIds: readonly number[];
  readonly outputLen: number;
}

export interface DatasetOptions {
  readonly name: DatasetName;
  readonly numPrompts: number;
  readonly inputLen: number;
  readonly outputLen: number;
  /** Lengths are drawn uniformly in [len*(1-ratio), len*(1+ratio)] (vLLM's --random-range-ratio). */
  readonly rangeRatio: number;
  readonly prefixLen: number;
  readonly numPrefixGroups: number;
  /** Token ids are drawn from [firstId, firstId + vocabSpan): byte tokens every byte-level vocabulary has. */
  readonly firstTokenId: number;
  readonly vocabSpan: number;
  readonly seed: number;
}

function drawLength(random: () => number, len: number, ratio: number): number {
  const low = Math.max(1, Math.floor(len * (1 - ratio)));
  const high = Math.max(low, Math.ceil(len * (1 + ratio)));
  return low + Math.floor(random() * (high - low + 1));
}

/**
 * vLLM bench's `random` dataset (random ids of the given lengths) and a shared-prefix one (vLLM's
 * prefix_repetition: `numPrefixGroups` fixed prefixes of `prefixLen` tokens, each request one of them
 * plus its own random suffix of the input length), for prefix-caching runs.
 */
export function buildDataset(options: DatasetOptions): BenchRequest[] {
  const random = mulberry32(options.seed);
  const ids = (length: number): number[] => Array.from({ length }, () => options.firstTokenId + Math.floor(random() * options.vocabSpan));
  const prefixes = options.name === 'shared-prefix' ? Array.from({ length: Math.max(1, options.numPrefixGroups) }, () => ids(options.prefixLen)) : [];
  return Array.from({ length: options.numPrompts }, (_, index) => {
    const suffix = ids(drawLength(random, options.inputLen, options.rangeRatio));
    const prefix = prefixes.length > 0 ? (prefixes[index % prefixes.length] as number[]) : [];
    return { promptIds: [...prefix, ...suffix], outputLen: drawLength(random, options.outputLen, options.rangeRatio) };
  });
}
