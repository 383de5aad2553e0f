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
  /**
   * An array of `chunkSize` entries to write the chunk's slot tokens into, reused from plan to plan (the
   * scheduler's own: a plan's tokens are valid until its step finishes); a fresh one when absent.
   */
  readonly tokenBuffer?: number[];
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
  const tokenIds = input.tokenBuffer !== undefined && input.tokenBuffer.length === chunkSize ? input.tokenBuffer : new Array<number>(chunkSize);
  for (let slot = 0; slot < span.firstValidSlot; slot++) tokenIds[slot] = 0;
  for (let slot = span.firstValidSlot; slot < span.endValidSlot; slot++) {
    tokenIds[slot] = input.promptTokenIds[span.firstTokenIndex + slot - span.firstValidSlot]!;
  }
  for (let slot = span.endValidSlot; slot < chunkSize; slot++) tokenIds[slot] = 0;
  const tableLength = (chunkIndex + 1) * blocksPerChunk;
  const blockTable = new Array<BlockId>(tableLength).fill(NULL_BLOCK_ID);
  for (let entry = paddingBlocks; entry < tableLength; entry++) {
    blockTable[entry] = blockIds[entry - paddingBlocks] ?? NULL_BLOCK_ID;
  }
  const slotBlocks = new Array<BlockId>(blocksPerChunk);
  for (let offset = 0; offset < blocksPerChunk; offset++) {
    const entry = tableLength - blocksPerChunk + offset;
    slotBlocks[offset] = entry - paddingBlocks < input.numPrefixHitBlocks ? NULL_BLOCK_ID : blockTable[entry]!;
  }
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
