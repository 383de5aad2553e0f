import { NULL_BLOCK_ID, type BlockId, type RequestId } from '../contracts/ids.js';
import type { SamplingParams } from '../contracts/requests.js';
import type { PrefillChunkPlan } from '../contracts/stepPlan.js';
import { chunkTokenSpan, type PrefillGeometry } from './prefillGeometry.js';

/** What a chunk plan is built from. */
export interface ChunkPlanInput {
  readonly requestId: RequestId;
  readonly sampling: SamplingParams;
  readonly geometry: PrefillGeometry;
  readonly chunkIndex: number;
  readonly promptTokenIds: ArrayLike<number>;
  /** The request's blocks, prefix-hit blocks first. */
  readonly blockIds: readonly BlockId[];
  /** How many of `blockIds` came from the prefix cache (usable or not). */
  readonly numPrefixHitBlocks: number;
  readonly isLastChunk: boolean;
}

/**
 * The plain-data plan of one prefill chunk (SPEC §2.3): the chunk's tokens behind their left padding, the
 * block table it attends to and where each of its blocks writes. Slots that map to padding or to prefix-hit
 * blocks write to the null block, so that identical prefixes keep identical block lists.
 */
export function buildPrefillChunkPlan(input: ChunkPlanInput): PrefillChunkPlan {
  const { geometry, chunkIndex, blockIds } = input;
  const { chunkSize, paddingBlocks, blocksPerChunk } = geometry;
  const span = chunkTokenSpan(geometry, chunkIndex);
  const tokenIds = new Array<number>(chunkSize).fill(0);
  for (let slot = span.firstValidSlot; slot < span.endValidSlot; slot++) {
    tokenIds[slot] = input.promptTokenIds[span.firstTokenIndex + slot - span.firstValidSlot]!;
  }
  const tableLength = (chunkIndex + 1) * blocksPerChunk;
  const blockTable = new Array<BlockId>(tableLength).fill(NULL_BLOCK_ID);
  for (let entry = paddingBlocks; entry < tableLength; entry++) {
    blockTable[entry] = blockIds[entry - paddingBlocks] ?? NULL_BLOCK_ID;
  }
  const slotBlocks = blockTable.slice(tableLength - blocksPerChunk).map((blockId, offset) => {
    const requestBlockIndex = tableLength - blocksPerChunk + offset - paddingBlocks;
    return requestBlockIndex < input.numPrefixHitBlocks ? NULL_BLOCK_ID : blockId;
  });
  return {
    kind: 'prefill',
    requestId: input.requestId,
    sampling: input.sampling,
    chunkIndex,
    chunkSize,
    tokenIds,
    firstTokenIndex: span.firstTokenIndex,
    firstValidSlot: span.firstValidSlot,
    endValidSlot: span.endValidSlot,
    blockTable,
    paddingBlocks,
    slotBlocks,
    isLastChunk: input.isLastChunk,
  };
}
