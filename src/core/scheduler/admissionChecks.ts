import { blocksForNextToken, decodeBatchTkv, type DecodeRowShape } from './batchTkv.js';

/** Limits the admission checks enforce. */
export interface AdmissionLimits {
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly maxBatchTkvLimit: number;
  readonly blockSize: number;
}

/** A request decoding in the current batch, as the last-chunk checks see it. */
export interface DecodingRequestView {
  readonly numComputedTokens: number;
  readonly numBlocks: number;
  /** One more than the tokens it still has to produce (`r_left` of SPEC §2.2). */
  readonly numLeftTokens: number;
}

/** The request whose last prefill chunk would join the batch. */
export interface JoiningRequestView {
  readonly numPromptTokens: number;
  /** Output tokens it will produce, the first one sampled by its last chunk. */
  readonly numRemainingTokens: number;
}

/** Where the joining request and the batch re-align: `n_blocks` and `new_tkv` of SPEC §2.2. */
function alignment(joining: JoiningRequestView, tkv: number, blockSize: number): { numBlocks: number; newTkv: number } {
  const numBlocks = Math.floor(Math.max(tkv, joining.numPromptTokens) / blockSize);
  return { numBlocks, newTkv: numBlocks * blockSize + (joining.numPromptTokens % blockSize) };
}

/**
 * Last-chunk constraints 1 and 2 (SPEC §2.2): a free decode slot, and every sequence of the re-aligned
 * batch still fits in `max_model_len`.
 */
export function fitsAfterRealignment(
  joining: JoiningRequestView,
  decoding: readonly DecodingRequestView[],
  numAdmitted: number,
  tkv: number,
  limits: AdmissionLimits,
): boolean {
  if (decoding.length + numAdmitted >= limits.maxNumSeqs) return false;
  const { numBlocks, newTkv } = alignment(joining, tkv, limits.blockSize);
  if (joining.numRemainingTokens - 1 > limits.maxModelLen - newTkv) return false;
  for (const request of decoding) {
    const requestTkv = numBlocks * limits.blockSize + (request.numComputedTokens % limits.blockSize);
    if (request.numLeftTokens - 1 > limits.maxModelLen - requestTkv) return false;
  }
  return true;
}

let maxTkvScratch = new Float64Array(64);

/**
 * vLLM-Spyre's volumetric estimate (SPEC §2.4): the largest batch·tkv the batch reaches as its requests
 * finish one by one, walked in order of their maximum tkv. `numJoining` identical sequences join (the
 * copies of a request sampled `n > 1` times); when they outlast every decoding request, their own batch
 * (`numJoining` × their maximum tkv) counts too, which a single joiner's validation already bounds.
 */
export function estimatedMaxBatchVolume(
  joining: JoiningRequestView,
  decoding: readonly DecodingRequestView[],
  tkv: number,
  blockSize: number,
  numJoining = 1,
): number {
  const { numBlocks, newTkv } = alignment(joining, tkv, blockSize);
  const joiningMaxTkv = newTkv + joining.numRemainingTokens - 1;
  // Sorted ascending by insertion into one scratch buffer (this runs at every admission check, over at most
  // max_num_seqs rows: no allocation, no comparator calls; the scheduler is synchronous).
  const numDecoding = decoding.length;
  if (maxTkvScratch.length < numDecoding) maxTkvScratch = new Float64Array(Math.max(numDecoding, 2 * maxTkvScratch.length));
  const decodingMaxTkvs = maxTkvScratch;
  for (let index = 0; index < numDecoding; index++) {
    const request = decoding[index]!;
    const maxTkv = (numBlocks + 1) * blockSize + (request.numComputedTokens % blockSize) + request.numLeftTokens - 1;
    let slot = index;
    while (slot > 0 && decodingMaxTkvs[slot - 1]! > maxTkv) {
      decodingMaxTkvs[slot] = decodingMaxTkvs[slot - 1]!;
      slot -= 1;
    }
    decodingMaxTkvs[slot] = maxTkv;
  }
  let batchSize = numDecoding + numJoining;
  let volume = 0;
  for (let index = 0; index < numDecoding; index++) {
    const decodingMaxTkv = decodingMaxTkvs[index]!;
    if (joiningMaxTkv <= decodingMaxTkv) {
      volume = Math.max(volume, batchSize * joiningMaxTkv);
      return volume;
    }
    volume = Math.max(volume, batchSize * decodingMaxTkv);
    batchSize -= 1;
  }
  return numJoining > 1 ? Math.max(volume, numJoining * joiningMaxTkv) : volume;
}

interface ProjectedRow {
  numComputedTokens: number;
  numBlocks: number;
  numStepsLeft: number;
}

/**
 * The exact projection (SPEC §2.4): advance the decode batch with the joining request step by step until
 * every request has produced all its tokens, with rectangular padding, and report whether batch·tkv stays
 * within the limit at every step. The estimate alone can let the runner-side guard fire when the limit is
 * below `max_model_len * max_num_seqs`.
 */
export function projectionStaysWithinLimit(
  joining: JoiningRequestView,
  decoding: readonly DecodingRequestView[],
  limits: AdmissionLimits,
  numJoining = 1,
): boolean {
  const { blockSize } = limits;
  const rows: ProjectedRow[] = decoding.map((request) => ({
    numComputedTokens: request.numComputedTokens,
    numBlocks: request.numBlocks,
    numStepsLeft: request.numLeftTokens - 1,
  }));
  for (let copy = 0; copy < numJoining; copy++) {
    rows.push({
      numComputedTokens: joining.numPromptTokens,
      numBlocks: Math.ceil(joining.numPromptTokens / blockSize),
      numStepsLeft: joining.numRemainingTokens - 1,
    });
  }
  let active = rows.filter((row) => row.numStepsLeft > 0);
  while (active.length > 0) {
    for (const row of active) row.numBlocks = blocksForNextToken(row.numComputedTokens, row.numBlocks, blockSize);
    const tkv = decodeBatchTkv(active as readonly DecodeRowShape[], blockSize);
    if (tkv * active.length > limits.maxBatchTkvLimit) return false;
    for (const row of active) {
      row.numComputedTokens += 1;
      row.numStepsLeft -= 1;
    }
    active = active.filter((row) => row.numStepsLeft > 0);
  }
  return true;
}

/**
 * Last-chunk constraint 3: the volumetric limit, by vLLM-Spyre's estimate and, where the estimate is not
 * enough to keep the runner-side guard quiet, by the exact projection.
 */
export function withinVolumetricLimit(
  joining: JoiningRequestView,
  decoding: readonly DecodingRequestView[],
  tkv: number,
  limits: AdmissionLimits,
  numJoining = 1,
): boolean {
  if (estimatedMaxBatchVolume(joining, decoding, tkv, limits.blockSize, numJoining) > limits.maxBatchTkvLimit) return false;
  // A padded row never passes the block boundary above max_model_len, so this volume is out of reach.
  const maxReachableTkv = Math.ceil(limits.maxModelLen / limits.blockSize) * limits.blockSize;
  if (limits.maxBatchTkvLimit >= maxReachableTkv * limits.maxNumSeqs) return true;
  return projectionStaysWithinLimit(joining, decoding, limits, numJoining);
}
