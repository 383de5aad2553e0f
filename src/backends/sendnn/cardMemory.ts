// The per-card memory check, before any program is loaded: each card's weight shard (resident once, shared by
// the programs), every program's scratch and its share of the KV blocks must fit the card, and so must the
// shard and the programs plus the raw weights staged while compiling. Without --num-gpu-blocks-override the KV cache gets what is left after the programs,
// up to the count the configuration can use (SPEC §1.3), as vLLM sizes its KV cache from the memory left after
// the weights.
import { describeProgramShape, type ProgramShape } from '../../core/catalog/programShape.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { NativeHandle, SendnnLibrary } from './ffi/sendnnLibrary.js';
import type { SendnnModelDesc } from './sendnnTypes.js';

export interface CardMemoryInput {
  readonly cards: number;
  readonly shapes: readonly ProgramShape[];
  /** The configuration's KV block count (null block included): the most the KV cache is given. */
  readonly numBlocks: number;
  /** `--num-gpu-blocks-override` fixed `numBlocks`: use exactly that many or refuse. */
  readonly numBlocksFixed: boolean;
  /** The fewest blocks that serve one batch (SPEC §1.3). */
  readonly minimumBlocks: number;
  readonly maxNumSeqs: number;
  /** Each card's share of the raw weights while programs compile (0 when every program comes from the cache). */
  readonly stagingBytes: number;
  /** Where each card's capacity came from (the refusal says what to change). */
  readonly capacitySource: string;
}

export interface CardMemoryPlan {
  readonly numBlocks: number;
  /** What every card holds: its weight shard, the programs' scratch and its share of the KV blocks. */
  readonly shardBytesPerCard: number;
  readonly programBytesPerCard: number;
  readonly kvBytesPerCard: number;
  readonly capacityBytesPerCard: number;
}

const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** Decides the KV block count and checks every card; throws naming, per card, what it needs and has. */
export function planCardMemory(library: SendnnLibrary, device: NativeHandle, desc: SendnnModelDesc, input: CardMemoryInput): CardMemoryPlan {
  const { cards, shapes } = input;
  const programs = shapes.map((shape) => {
    const bytes = library.programBytes(desc, cards, shape);
    return { what: `${describeProgramShape(shape)} ${mib(bytes)}`, bytes };
  });
  const shardBytes = library.packedWeightsBytes(desc, cards);
  const programBytes = programs.reduce((sum, program) => sum + program.bytes, 0);
  const residentBytes = shardBytes + programBytes;
  const perBlock = library.kvBytes(desc, cards, 1);
  const memory = Array.from({ length: cards }, (_, card) => library.deviceMemory(device, card));
  const freeBytes = Math.min(...memory.map((m) => m.totalBytes - m.usedBytes));
  let numBlocks = input.numBlocks;
  if (!input.numBlocksFixed) {
    const fit = Math.floor(Math.max(0, freeBytes - residentBytes) / perBlock);
    numBlocks = Math.max(input.minimumBlocks, Math.min(input.numBlocks, Math.floor(fit / input.maxNumSeqs) * input.maxNumSeqs));
  }
  const kvBytes = library.kvBytes(desc, cards, numBlocks);
  // The staged weights are freed after warmup, before the KV cache is allocated: the peak is the larger sum.
  const neededBytes = residentBytes + Math.max(kvBytes, input.stagingBytes);
  if (neededBytes > freeBytes) {
    const kvWhy = input.numBlocksFixed ? '--num-gpu-blocks-override' : numBlocks === input.minimumBlocks ? 'the fewest that serve one batch' : 'what is left after the weights and programs';
    const staging = input.stagingBytes > 0 ? `; while compiling, its share of the raw weights ${mib(input.stagingBytes)}` : '';
    const perCard = memory.map((m, card) =>
      `card ${card} needs ${neededBytes} bytes (${mib(neededBytes)}) but has ${m.totalBytes - m.usedBytes} free of ${m.totalBytes} ` +
      `(its weight shard ${mib(shardBytes)}; ${programs.length} programs' scratch ${mib(programBytes)}: ${programs.map((p) => p.what).join(', ')}; KV cache of ${numBlocks} blocks (${kvWhy}) ${mib(kvBytes)}${staging})`);
    throw new EngineError(
      'backend_failed',
      `device memory exceeded at warmup, on ${cards} card(s) (--tensor-parallel-size ${cards}): ${perCard.join('; ')}. ` +
        `Lower --max-num-seqs${input.numBlocksFixed ? ', --max-model-len or --num-gpu-blocks-override' : ' or --max-model-len'}, raise --tensor-parallel-size to split the weights over more cards, ` +
        `or give each card more memory (${input.capacitySource}).`,
    );
  }
  return { numBlocks, shardBytesPerCard: shardBytes, programBytesPerCard: programBytes, kvBytesPerCard: kvBytes, capacityBytesPerCard: memory[0]?.totalBytes ?? 0 };
}
