import type * as ort from 'onnxruntime-node';
import type { BlockId } from '../../core/contracts/ids.js';
import type { DecodeBatchPlan } from '../../core/contracts/stepPlan.js';

/**
 * How the runner gives a decode step its past and keeps the step's new KV. Each row runs in a batch slot of
 * the implementation's choosing (`slots[i]` for plan row i), so rows can stay where their past already is.
 * - `PresentsDecodePast`: any Optimum decoder; fetches the presents and edits them into the next past.
 * - `SlotDecodePast`: decoders that export their new tokens' KV; keeps the past in slots, fetches one token.
 */
export interface DecodePast {
  /** Lays out the step's past, fills ids, positions and mask; the feeds and preallocated fetches to run. */
  prepare(plan: DecodeBatchPlan): { feeds: Record<string, ort.Tensor>; fetches: Record<string, ort.Tensor>; slots: readonly number[] };
  /** After the step ran: its new KV where the next step reads its past from, and (now or later) into the paged store. */
  keep(plan: DecodeBatchPlan, slots: readonly number[]): void;
  /** Before a prefill reads or writes `blocks`: the paged store must hold every decode token kept in them. */
  storeBlocks(blocks: readonly BlockId[]): void;
}
