// The per-card memory check, before any program is loaded, over the emulator's sizes: each card's weight shard
// (resident once, shared by the programs), every program's scratch and its share of the KV blocks must fit the
// card, and so must the shard and the programs plus the raw weights staged while compiling. The rule itself
// (and the KV block count from what is left) is src/device/cardMemoryPlan.ts, shared with the simulator.
import { describeProgramShape, type ProgramShape } from '../../core/catalog/programShape.js';
import { EngineError } from '../../core/contracts/errors.js';
import { cardMemoryAdvice, fitCardMemory } from '../../device/cardMemoryPlan.js';
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

/** Decides the KV block count and checks every card (src/device/cardMemoryPlan.ts); throws naming, per card, what it needs and has. */
export function planCardMemory(library: SendnnLibrary, device: NativeHandle, desc: SendnnModelDesc, input: CardMemoryInput): CardMemoryPlan {
  const { cards, shapes } = input;
  const programs = shapes.map((shape) => {
    const bytes = library.programBytes(desc, cards, shape);
    return { what: `${describeProgramShape(shape)} ${mib(bytes)}`, bytes };
  });
  const shardBytes = library.packedWeightsBytes(desc, cards);
  const memory = Array.from({ length: cards }, (_, card) => library.deviceMemory(device, card));
  const freeBytes = Math.min(...memory.map((m) => m.totalBytes - m.usedBytes));
  const fit = fitCardMemory(
    { shardBytes, programs, kvBytesPerBlock: library.kvBytes(desc, cards, 1), stagingBytes: input.stagingBytes, freeBytes },
    { numBlocks: input.numBlocks, numBlocksFixed: input.numBlocksFixed, minimumBlocks: input.minimumBlocks, maxNumSeqs: input.maxNumSeqs },
  );
  const { numBlocks, neededBytes, programBytes, kvBytes } = fit;
  if (!fit.fits) {
    const staging = input.stagingBytes > 0 ? `; while compiling, its share of the raw weights ${mib(input.stagingBytes)}` : '';
    const perCard = memory.map((m, card) =>
      `card ${card} needs ${neededBytes} bytes (${mib(neededBytes)}) but has ${m.totalBytes - m.usedBytes} free of ${m.totalBytes} ` +
      `(its weight shard ${mib(shardBytes)}; ${programs.length} programs' scratch ${mib(programBytes)}: ${programs.map((p) => p.what).join(', ')}; KV cache of ${numBlocks} blocks (${fit.kvWhy}) ${mib(kvBytes)}${staging})`);
    throw new EngineError(
      'backend_failed',
      `device memory exceeded at warmup, on ${cards} card(s) (--tensor-parallel-size ${cards}): ${perCard.join('; ')}. ` + cardMemoryAdvice(input.numBlocksFixed, input.capacitySource),
    );
  }
  return { numBlocks, shardBytesPerCard: shardBytes, programBytesPerCard: programBytes, kvBytesPerCard: kvBytes, capacityBytesPerCard: memory[0]?.totalBytes ?? 0 };
}
