import * as ort from 'onnxruntime-node';
import type { PoolingBatch } from '../../../core/contracts/pooling.js';
import type { EncoderIoLayout } from './encoderIoLayout.js';

/** Where each request row's real tokens sit in the program's input: slots [start, start + length). */
export interface RowSpan {
  readonly start: number;
  readonly length: number;
}

export interface EncoderFeeds {
  readonly feeds: Record<string, ort.Tensor>;
  readonly spans: readonly RowSpan[];
}

/**
 * The batch's tensors for the session. The core lays rows out left-padded (SPEC §5); a graph whose
 * outputs change under left padding (positions from the slot index, [CLS] read at slot 0: most exports)
 * gets each row moved to the left edge instead, padding after it — the same tokens, mask and shape, so
 * the program and the batch stay those of the warmup shape. `position_ids`, when the graph takes them,
 * count real tokens only.
 */
export function encoderFeeds(batch: PoolingBatch, io: EncoderIoLayout, rightAlign: boolean, padTokenId: number): EncoderFeeds {
  const { batchSize, promptLength } = batch.shape;
  const dims = [batchSize, promptLength];
  let { inputIds, attentionMask, tokenTypeIds } = batch;
  const spans = batch.rows.map((row) => ({ start: rightAlign ? 0 : row.paddingLength, length: row.promptLength }));
  if (rightAlign) {
    inputIds = new BigInt64Array(inputIds.length).fill(BigInt(padTokenId));
    attentionMask = new BigInt64Array(attentionMask.length);
    tokenTypeIds = new BigInt64Array(tokenTypeIds.length);
    batch.rows.forEach((row, index) => {
      const from = index * promptLength + row.paddingLength;
      const to = index * promptLength;
      inputIds.set(batch.inputIds.subarray(from, from + row.promptLength), to);
      attentionMask.set(batch.attentionMask.subarray(from, from + row.promptLength), to);
      tokenTypeIds.set(batch.tokenTypeIds.subarray(from, from + row.promptLength), to);
    });
  }
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', inputIds, dims),
    attention_mask: new ort.Tensor('int64', attentionMask, dims),
  };
  if (io.hasTokenTypeIds) feeds['token_type_ids'] = new ort.Tensor('int64', tokenTypeIds, dims);
  if (io.hasPositionIds) {
    const positions = new BigInt64Array(inputIds.length);
    spans.forEach((span, index) => {
      for (let i = 0; i < span.length; i++) positions[index * promptLength + span.start + i] = BigInt(i);
    });
    feeds['position_ids'] = new ort.Tensor('int64', positions, dims);
  }
  return { feeds, spans };
}
