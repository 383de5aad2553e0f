import type { DecodeBatchPlan, DecodeRowPlan } from '../contracts/stepPlan.js';
import type { KvCacheManager } from '../kv/kvCacheManager.js';
import { rowTkv } from './batchTkv.js';
import type { SchedulerRequest } from './schedulerRequest.js';

/**
 * The request's blocks left-padded with the null block to `numEntries`. Block lists only grow at the tail,
 * so an unchanged length means unchanged content: the previous step's table is reused, not rebuilt.
 */
function paddedBlockTable(request: SchedulerRequest, blockIds: readonly number[], numEntries: number): readonly number[] {
  const cached = request.decodeBlockTable;
  const paddingBlocks = numEntries - blockIds.length;
  if (cached.length === numEntries && cached[paddingBlocks] === blockIds[0] && cached[numEntries - 1] === blockIds[blockIds.length - 1]) return cached;
  const table = new Array<number>(numEntries).fill(0, 0, paddingBlocks);
  for (let block = 0; block < blockIds.length; block++) table[paddingBlocks + block] = blockIds[block]!;
  request.decodeBlockTable = table;
  return table;
}

/**
 * The rectangular decode batch of SPEC §2.4: every row left-padded with the null block up to the largest
 * block count (blocks for this step's token already reserved); tkv is the largest `pad*64 + computed + 1`.
 */
export function buildDecodeBatchPlan(scheduled: readonly SchedulerRequest[], kv: KvCacheManager, blockSize: number): DecodeBatchPlan {
  let maxBlocks = 0;
  for (const request of scheduled) maxBlocks = Math.max(maxBlocks, kv.numBlocksOf(request.id));
  let tkv = 0;
  const rows = new Array<DecodeRowPlan>(scheduled.length);
  for (let index = 0; index < scheduled.length; index++) {
    const request = scheduled[index]!;
    const blockIds = kv.blocksOf(request.id);
    const paddingBlocks = maxBlocks - blockIds.length;
    tkv = Math.max(tkv, rowTkv(paddingBlocks, request.numComputedTokens, blockSize));
    request.numScheduledTokens = 1;
    rows[index] = {
      requestId: request.id,
      sampling: request.sampling,
      tokenId: request.tokenIds[request.numComputedTokens]!,
      position: request.numComputedTokens,
      blockTable: paddedBlockTable(request, blockIds, maxBlocks),
      paddingBlocks,
      numPromptTokens: request.numPromptTokens,
    };
  }
  return { kind: 'decode', tkv, rows };
}
