import { asRequestId, BLOCK_SIZE, type BlockId } from '../../src/core/contracts/ids.js';
import type { DecodeBatchPlan, DecodeRowPlan, PrefillChunkPlan } from '../../src/core/contracts/stepPlan.js';

/** Token ids of probe prompts: small and fixed, so every backend and vocabulary accepts them. */
function probeToken(index: number): number {
  return 1 + (index % 97);
}

function blockRange(first: BlockId, count: number): BlockId[] {
  return Array.from({ length: count }, (_, index) => first + index);
}

/**
 * A prefill chunk of `chunkTokens` slots whose first `validTokens` (all, by default) hold prompt tokens, that
 * attends to `contextTokens` positions: chunk index `contextTokens / chunkTokens − 1`, so the prompt before it
 * is `contextTokens − chunkTokens` tokens long. Blocks 1… hold the context; a real backend reads whatever they
 * hold (timing does not depend on it).
 */
export function prefillProbePlan(chunkTokens: number, contextTokens: number, probe: number, validTokens = chunkTokens): PrefillChunkPlan {
  const chunkIndex = contextTokens / chunkTokens - 1;
  const blocksPerChunk = chunkTokens / BLOCK_SIZE;
  const blockTable = blockRange(1, contextTokens / BLOCK_SIZE);
  return {
    kind: 'prefill',
    requestId: asRequestId(`calibrate-prefill-${chunkTokens}-${contextTokens}-${probe}`),
    sampling: {},
    chunkIndex,
    chunkSize: chunkTokens,
    tokenIds: Array.from({ length: chunkTokens }, (_, slot) => (slot < validTokens ? probeToken(chunkIndex * chunkTokens + slot) : 0)),
    firstTokenIndex: chunkIndex * chunkTokens,
    firstValidSlot: 0,
    endValidSlot: validTokens,
    blockTable,
    paddingBlocks: 0,
    slotBlocks: blockTable.slice(-blocksPerChunk),
    isLastChunk: true,
  };
}

/** A decode step of `batchSize` rows, each `tkv − 1` tokens into its sequence (no padding: every row is as long as tkv). */
export function decodeProbePlan(batchSize: number, tkv: number, probe: number): DecodeBatchPlan {
  const blocksPerRow = Math.ceil(tkv / BLOCK_SIZE);
  const rows: DecodeRowPlan[] = Array.from({ length: batchSize }, (_, row) => ({
    requestId: asRequestId(`calibrate-decode-${batchSize}-${tkv}-${probe}-${row}`),
    sampling: {},
    tokenId: probeToken(row),
    position: tkv - 1,
    blockTable: blockRange(1 + row * blocksPerRow, blocksPerRow),
    paddingBlocks: 0,
    numPromptTokens: tkv - 1,
  }));
  return { kind: 'decode', tkv, rows };
}

/** KV blocks (null block included) a backend needs to run every probe of a grid. */
export function blocksNeeded(maxContextTokens: number, maxBatchSize: number, maxTkv: number): number {
  return 1 + Math.max(maxContextTokens / BLOCK_SIZE, maxBatchSize * Math.ceil(maxTkv / BLOCK_SIZE));
}
