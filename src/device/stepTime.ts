import type { DeviceProfile } from './deviceProfile.js';

/** The decoder dimensions the step time depends on. */
export interface StepTimeModel {
  readonly numParams: number;
  readonly numLayers: number;
  readonly hiddenSize: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  /** Bytes per weight and KV element on the card (2 for fp16). */
  readonly bytesPerElement: number;
}

/** One program run: the tokens it computes and the KV positions they attend to. */
export interface StepTimeShape {
  /** Tokens computed (prefill: the chunk's slots; decode: the program's batch rows, padding included). */
  readonly tokens: number;
  /** KV positions read from the cache over all rows (decode: rows × tkv; prefill: the attended context). */
  readonly kvPositionsRead: number;
  /** Σ over tokens of the positions each attends to (prefill: chunk × context; decode: rows × tkv). */
  readonly attentionPairs: number;
}

/** The modelled time of one step and its parts, seconds. */
export interface StepTime {
  readonly totalS: number;
  readonly memoryS: number;
  readonly computeS: number;
  readonly allReduceS: number;
}

/**
 * The roofline step time of one program run on `cards` cards under tensor parallelism (Megatron-style: each
 * card holds 1/N of the weights and of the KV heads; two all-reduces per layer, after attention and after the
 * MLP). Per card: launch overhead + max(bytes read / bandwidth, FLOP / rate), plus the all-reduces (a ring:
 * each moves 2·(N−1)/N of the activations over the link, plus the link latency). One card has no all-reduce.
 */
export function stepTime(profile: DeviceProfile, model: StepTimeModel, step: StepTimeShape, cards: number): StepTime {
  const kvBytesPerPosition = model.numLayers * 2 * model.numKvHeads * model.headDim * model.bytesPerElement;
  const bytesPerCard = (model.numParams * model.bytesPerElement + step.kvPositionsRead * kvBytesPerPosition) / cards;
  const flopsPerCard = (2 * model.numParams * step.tokens + 4 * model.numLayers * model.hiddenSize * step.attentionPairs) / cards;
  const memoryS = bytesPerCard / profile.memoryBandwidthBytesPerS;
  const computeS = flopsPerCard / profile.fp16FlopsPerS;
  const activationBytes = step.tokens * model.hiddenSize * model.bytesPerElement;
  const perAllReduceS = profile.linkLatencyS + (2 * (cards - 1) / cards) * activationBytes / profile.linkBandwidthBytesPerS;
  const allReduceS = cards > 1 ? 2 * model.numLayers * perAllReduceS : 0;
  return { totalS: profile.launchOverheadS + Math.max(memoryS, computeS) + allReduceS, memoryS, computeS, allReduceS };
}
