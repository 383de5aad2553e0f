// The per-card memory rule, as arithmetic: what each card holds and how many KV blocks it is given. The
// sendnn backend feeds it the emulator's sizes (cardMemory.ts); the simulator feeds it a card's fp16 sizes
// (perCardBytes.ts), so a tensor parallel size that does not fit is refused by the same rule in both.

/** What every card must hold, bytes per card. */
export interface CardMemoryNeeds {
  /** Its weight shard, resident once and shared by every program. */
  readonly shardBytes: number;
  /** Each program's scratch, with a description for the refusal. */
  readonly programs: readonly { readonly what: string; readonly bytes: number }[];
  /** Its share of one KV block. */
  readonly kvBytesPerBlock: number;
  /** Its share of the raw weights staged while programs compile (0 when none compiles). */
  readonly stagingBytes: number;
  /** What the fullest card has free. */
  readonly freeBytes: number;
}

/** How many KV blocks the configuration asks for. */
export interface KvBlockRule {
  /** The configuration's KV block count (null block included): the most the KV cache is given. */
  readonly numBlocks: number;
  /** `--num-gpu-blocks-override` fixed `numBlocks`: use exactly that many or refuse. */
  readonly numBlocksFixed: boolean;
  /** The fewest blocks that serve one batch (SPEC §1.3). */
  readonly minimumBlocks: number;
  readonly maxNumSeqs: number;
}

export interface CardMemoryFit {
  readonly fits: boolean;
  readonly numBlocks: number;
  /** Shard + programs + max(KV, staging): the peak each card needs. */
  readonly neededBytes: number;
  readonly programBytes: number;
  readonly kvBytes: number;
  /** Why the KV cache has `numBlocks` blocks (for the refusal). */
  readonly kvWhy: string;
}

/**
 * Without `numBlocksFixed` the KV cache gets what is left after the shard and the programs, rounded down to
 * a multiple of `max_num_seqs`, between the fewest that serve one batch and the configuration's count (more
 * would only cost memory) — as vLLM sizes its KV cache from the memory left after the weights. The staged
 * raw weights are freed before the KV cache is allocated, so the peak is the larger of the two.
 */
export function fitCardMemory(needs: CardMemoryNeeds, rule: KvBlockRule): CardMemoryFit {
  const programBytes = needs.programs.reduce((sum, program) => sum + program.bytes, 0);
  const residentBytes = needs.shardBytes + programBytes;
  let numBlocks = rule.numBlocks;
  if (!rule.numBlocksFixed) {
    const fit = Math.floor(Math.max(0, needs.freeBytes - residentBytes) / needs.kvBytesPerBlock);
    numBlocks = Math.max(rule.minimumBlocks, Math.min(rule.numBlocks, Math.floor(fit / rule.maxNumSeqs) * rule.maxNumSeqs));
  }
  const kvBytes = needs.kvBytesPerBlock * numBlocks;
  const neededBytes = residentBytes + Math.max(kvBytes, needs.stagingBytes);
  const kvWhy = rule.numBlocksFixed ? '--num-gpu-blocks-override' : numBlocks === rule.minimumBlocks ? 'the fewest that serve one batch' : 'what is left after the weights and programs';
  return { fits: neededBytes <= needs.freeBytes, numBlocks, neededBytes, programBytes, kvBytes, kvWhy };
}

/** What to change when a card is too small, as the refusal says it. */
export function cardMemoryAdvice(numBlocksFixed: boolean, capacitySource: string): string {
  return `Lower --max-num-seqs${numBlocksFixed ? ', --max-model-len or --num-gpu-blocks-override' : ' or --max-model-len'}, raise --tensor-parallel-size to split the weights over more cards, ` +
    `or give each card more memory (${capacitySource}).`;
}
