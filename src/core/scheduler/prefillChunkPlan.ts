import { NULL_BLOCK_ID, type BlockId, type RequestId } from '../contracts/ids.js';
import type { SamplingParams } from '../contracts/requests.js';
import type { PrefillChunkPlan } from '../contracts/stepPlan.js';
import { chunkTokenSpan, type ChunkTokenSpan, type PrefillGeometry } from './prefillGeometry.js';

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
   * Where to write the chunk's slot tokens, reused from plan to plan (the scheduler's own: a plan's tokens
   * are valid until its step finishes); a fresh array when absent.
   */
  readonly tokenBuffer?: ChunkTokenBuffer;
}

/**
 * The slot-token array of a chunk plan, written chunk after chunk. It is 0 outside the slots the last chunk
 * wrote, so the next chunk clears only those (a chunk is mostly padding or mostly tokens, 512 slots each).
 */
export class ChunkTokenBuffer {
  readonly tokenIds: number[];
  private writtenFirst = 0;
  private writtenEnd = 0;

  constructor(readonly chunkSize: number) {
    this.tokenIds = new Array<number>(chunkSize).fill(0);
  }

  /** Writes the chunk's tokens into its slots and zeros into every other slot. */
  write(promptTokenIds: ArrayLike<number>, span: ChunkTokenSpan): number[] {
    const tokenIds = this.tokenIds;
    for (let slot = this.writtenFirst; slot < Math.min(this.writtenEnd, span.firstValidSlot); slot++) tokenIds[slot] = 0;
    for (let slot = Math.max(this.writtenFirst, span.endValidSlot); slot < this.writtenEnd; slot++) tokenIds[slot] = 0;
    for (let slot = span.firstValidSlot; slot < span.endValidSlot; slot++) {
      tokenIds[slot] = promptTokenIds[span.firstTokenIndex + slot - span.firstValidSlot]!;
    }
    this.writtenFirst = span.firstValidSlot;
    this.writtenEnd = span.endValidSlot;
    return tokenIds;
  }
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
  const buffer = input.tokenBuffer !== undefined && input.tokenBuffer.chunkSize === chunkSize ? input.tokenBuffer : new ChunkTokenBuffer(chunkSize);
  const tokenIds = buffer.write(input.promptTokenIds, span);
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
