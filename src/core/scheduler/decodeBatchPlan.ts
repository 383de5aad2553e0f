import type { DecodeBatchPlan, DecodeRowPlan } from '../contracts/stepPlan.js';
import type { BlockId } from '../contracts/ids.js';
import { rowTkv } from './batchTkv.js';
import type { SchedulerRequest } from './schedulerRequest.js';

/**
 * The request's blocks left-padded with the null block to `numEntries`. Block lists only grow at the tail,
 * so an unchanged length means unchanged content: the previous step's table is reused, not rebuilt.
 */
function paddedBlockTable(request: SchedulerRequest, numEntries: number): readonly number[] {
  const blockIds = request.blockIds;
  const cached = request.decodeBlockTable;
  const paddingBlocks = numEntries - blockIds.length;
  if (cached.length === numEntries && cached[paddingBlocks] === blockIds[0] && cached[numEntries - 1] === blockIds[blockIds.length - 1]) return cached;
  const table = new Array<number>(numEntries);
  for (let entry = 0; entry < paddingBlocks; entry++) table[entry] = 0;
  for (let block = 0; block < blockIds.length; block++) table[paddingBlocks + block] = blockIds[block]!;
  request.decodeBlockTable = table;
  return table;
}

/**
 * The rectangular decode batch of SPEC §2.4: every row left-padded with the null block up to the largest
 * block count (blocks for this step's token already reserved); tkv is the largest `pad*64 + computed + 1`.
 * Reads each request's blocks through its handle (`request.blockIds`), no lookup by id.
 */
export function buildDecodeBatchPlan(scheduled: readonly SchedulerRequest[], blockSize: number): DecodeBatchPlan {
  let maxBlocks = 0;
  for (let index = 0; index < scheduled.length; index++) maxBlocks = Math.max(maxBlocks, scheduled[index]!.blockIds.length);
  let tkv = 0;
  const rows = new Array<DecodeRowPlan>(scheduled.length);
  for (let index = 0; index < scheduled.length; index++) {
    const request = scheduled[index]!;
    const paddingBlocks = maxBlocks - request.blockIds.length;
    const position = request.numComputedTokens;
    tkv = Math.max(tkv, rowTkv(paddingBlocks, position, blockSize));
    request.numScheduledTokens = 1;
    const tokenId = request.tokenIds[position]!;
    const blockTable = paddedBlockTable(request, maxBlocks);
    // The request's own row object, rewritten each step it decodes (the plan's contract: valid until finishStep).
    let row = request.decodeRow;
    if (row === undefined) {
      row = { requestId: request.id, sampling: request.sampling, tokenId, position, blockTable, paddingBlocks, numPromptTokens: request.numPromptTokens };
      request.decodeRow = row;
    } else {
      row.tokenId = tokenId;
      row.position = position;
      row.blockTable = blockTable;
      row.paddingBlocks = paddingBlocks;
    }
    rows[index] = row;
  }
  return { kind: 'decode', tkv, rows };
}

/** A decode row the scheduler rewrites in place: the request's own, one object for its whole life. */
export interface ReusedDecodeRow extends DecodeRowPlan {
  tokenId: number;
  position: number;
  blockTable: readonly BlockId[];
  paddingBlocks: number;
}
