import type { WarmupShape } from '../../contracts/config.js';
import type { RequestId } from '../../contracts/ids.js';
import type { PoolingBatch, PoolingBatchRow } from '../../contracts/pooling.js';

/** A request as the batcher holds it: its ids, and token types when the model takes them. */
export interface QueuedPoolingRequest {
  readonly requestId: RequestId;
  readonly tokenIds: readonly number[];
  readonly tokenTypeIds?: readonly number[];
}

/**
 * Lays `requests` out on `shape` (SPEC §5): `shape.batchSize` rows of `shape.promptLength` slots; each
 * request left-padded (pad id, mask 0, type 0 before its tokens); the remaining rows are filler (pad id,
 * mask 0 everywhere).
 */
export function padPoolingBatch(batchIndex: number, shape: WarmupShape, requests: readonly QueuedPoolingRequest[], padTokenId: number): PoolingBatch {
  const slots = shape.batchSize * shape.promptLength;
  const inputIds = new BigInt64Array(slots).fill(BigInt(padTokenId));
  const attentionMask = new BigInt64Array(slots);
  const tokenTypeIds = new BigInt64Array(slots);
  const rows: PoolingBatchRow[] = requests.map((request, row) => {
    const promptLength = request.tokenIds.length;
    const paddingLength = shape.promptLength - promptLength;
    const start = row * shape.promptLength + paddingLength;
    for (let i = 0; i < promptLength; i++) {
      inputIds[start + i] = BigInt(request.tokenIds[i] as number);
      attentionMask[start + i] = 1n;
      tokenTypeIds[start + i] = BigInt(request.tokenTypeIds?.[i] ?? 0);
    }
    return { requestId: request.requestId, promptLength, paddingLength };
  });
  return { batchIndex, shape, rows, inputIds, attentionMask, tokenTypeIds };
}
