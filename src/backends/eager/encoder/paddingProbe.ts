import * as ort from 'onnxruntime-node';
import type { EncoderIoLayout } from './encoderIoLayout.js';

const PROBE_ROWS = 16;
const PROBE_TOKENS = 5;
const PROBE_PADS = 3;

/** Deterministic ids spread over the vocabulary, never the pad id, different first tokens per row. */
function probeIds(vocabSize: number, padTokenId: number): number[][] {
  let state = 0x9e3779b9;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const id = (state >>> 8) % vocabSize;
    return id === padTokenId ? (id + 1) % vocabSize : id;
  };
  return Array.from({ length: PROBE_ROWS }, () => Array.from({ length: PROBE_TOKENS }, next));
}

async function run(session: ort.InferenceSession, io: EncoderIoLayout, rows: readonly number[][], pads: number, padTokenId: number): Promise<Float32Array> {
  const length = pads + PROBE_TOKENS;
  const dims = [rows.length, length];
  const int64 = (values: readonly number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
  const mask = Array.from({ length }, (_, i) => (i < pads ? 0 : 1));
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64(rows.flatMap((ids) => [...Array<number>(pads).fill(padTokenId), ...ids])),
    attention_mask: int64(rows.flatMap(() => mask)),
  };
  if (io.hasTokenTypeIds) feeds['token_type_ids'] = int64(rows.flatMap(() => mask.map(() => 0)));
  if (io.hasPositionIds) feeds['position_ids'] = int64(rows.flatMap(() => mask.map((_, i) => Math.max(0, i - pads))));
  return (await session.run(feeds))[io.outputName]!.data as Float32Array;
}

/**
 * Whether left padding (pad slots first, attention mask 0) leaves the real tokens' outputs unchanged.
 * Graphs that take positions from the attention mask (or from position_ids) and read [CLS] at the first
 * real token pass (our generated encoders, RoBERTa-style exports); most BERT/DistilBERT exports count
 * positions from slot 0 and read [CLS] at slot 0, and fail: the runner right-aligns rows for those.
 * One run of 16 rows of 5 tokens, one of the same rows after 3 pads, different first tokens per row
 * (a degenerate random export can answer the same for many ids: the DistilBERT fixture does for ~70%).
 */
export async function probeLeftPaddingInvariance(session: ort.InferenceSession, io: EncoderIoLayout, vocabSize: number, padTokenId: number): Promise<boolean> {
  const rows = probeIds(vocabSize, padTokenId);
  const alone = await run(session, io, rows, 0, padTokenId);
  const padded = await run(session, io, rows, PROBE_PADS, padTokenId);
  const perRow = alone.length / PROBE_ROWS;
  const hidden = io.outputKind === 'logits' ? 0 : perRow / PROBE_TOKENS;
  let worst = 0;
  let scale = 0;
  for (let row = 0; row < PROBE_ROWS; row++) {
    const paddedOffset = io.outputKind === 'logits' ? row * perRow : row * (perRow + PROBE_PADS * hidden) + PROBE_PADS * hidden;
    for (let i = 0; i < perRow; i++) {
      const expected = alone[row * perRow + i] as number;
      worst = Math.max(worst, Math.abs(expected - (padded[paddedOffset + i] as number)));
      scale = Math.max(scale, Math.abs(expected));
    }
  }
  // Relative: a random export's outputs can be tiny (the DistilBERT fixture's logits are ~3e-4).
  return worst <= 1e-4 * scale + 1e-9;
}
