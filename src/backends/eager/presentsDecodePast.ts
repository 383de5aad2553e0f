import type * as ort from 'onnxruntime-node';
import { BLOCK_SIZE } from '../../core/contracts/ids.js';
import type { DecodeBatchPlan } from '../../core/contracts/stepPlan.js';
import type { DecodePast } from './decodePast.js';
import { planDecodePast, type DecodePastLayout, type DecodeRowKey, type PreviousDecode } from './decodePastLayout.js';
import type { DecoderIoLayout } from './decoderIoLayout.js';
import type { KvArray, PagedKvStore } from './pagedKvStore.js';
import type { StepBuffers } from './stepBuffers.js';

/**
 * The decode past of a decoder with only the Optimum outputs: each row's past right-aligned and left-padded
 * to the batch's length with attention mask 0 on the padding (the layout every Optimum export accepts,
 * including graphs whose attention reads the mask as sequence lengths). The step fetches the presents
 * (into preallocated buffers), and the next step reads them in place as its past — rows keep their slot,
 * a joining row is gathered, rows past the new batch size move down (see `planDecodePast`). Each row's new
 * token's KV is scattered to the paged store, the source of truth.
 */
export class PresentsDecodePast implements DecodePast {
  /** The rows of the last decode step, whose presents the next one edits in place into its past. */
  private previous: PreviousDecode | undefined;
  private pastLength = 0;

  constructor(
    private readonly io: DecoderIoLayout,
    private readonly kv: PagedKvStore,
    private readonly buffers: StepBuffers,
  ) {}

  prepare(plan: DecodeBatchPlan): { feeds: Record<string, ort.Tensor>; fetches: Record<string, ort.Tensor>; slots: readonly number[] } {
    const rows = plan.rows;
    const batch = rows.length;
    const io = this.io;
    const b = this.buffers;
    let layout = planDecodePast(this.previous, rows);
    const pastLength = layout.pastLength;
    const rowElements = io.numKvHeads * pastLength * io.headDim;
    if (layout.kind === 'edit presents' && batch * rowElements > b.presentCapacity()) layout = { kind: 'gather', pastLength, slots: rows.map((_, index) => index) };
    b.fillDecodeRows(rows, layout.slots, pastLength + 1, (position) => [0, pastLength - position]); // left padding
    if (layout.kind === 'edit presents') this.editPresentsIntoPast(layout, plan, rowElements);
    else this.gatherDecodePast(plan, pastLength);
    const feeds = b.feeds(batch, 1, pastLength, layout.kind === 'edit presents' ? 'previous presents' : 'gathered');
    this.previous = undefined; // until the step has run and its presents are kept
    this.pastLength = pastLength;
    return { feeds, fetches: b.fetches(batch, 1, pastLength + 1), slots: layout.slots };
  }

  /** Nothing to do: `keep` writes every new token to the paged store at once. */
  storeBlocks(): void {}

  keep(plan: DecodeBatchPlan, slots: readonly number[]): void {
    const io = this.io;
    const pastLength = this.pastLength;
    const totalLength = pastLength + 1;
    const presentRow = io.numKvHeads * totalLength * io.headDim;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const present = this.buffers.present(layer);
      plan.rows.forEach((row, index) => {
        const blockId = row.blockTable[row.paddingBlocks + Math.floor(row.position / BLOCK_SIZE)] as number;
        const offset = (slots[index] as number) * presentRow;
        this.kv.scatterToken(this.kv.keys[layer] as KvArray, present.key, offset, totalLength, pastLength, blockId, row.position % BLOCK_SIZE);
        this.kv.scatterToken(this.kv.values[layer] as KvArray, present.value, offset, totalLength, pastLength, blockId, row.position % BLOCK_SIZE);
      });
    }
    const slotRows = new Array<DecodeRowKey>(plan.rows.length);
    plan.rows.forEach((row, index) => { slotRows[slots[index] as number] = { requestId: row.requestId, position: row.position }; });
    this.previous = { rows: slotRows, totalLength };
  }

  /** Each row's past, right-aligned to `pastLength`, gathered from the paged store (slots in plan order). */
  private gatherDecodePast(plan: DecodeBatchPlan, pastLength: number): void {
    const io = this.io;
    const rowElements = io.numKvHeads * pastLength * io.headDim;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const past = this.buffers.past(layer, plan.rows.length * rowElements);
      plan.rows.forEach((row, r) => {
        this.kv.gather(this.kv.keys[layer] as KvArray, row.blockTable, row.paddingBlocks, row.position, past.key, r * rowElements, pastLength);
        this.kv.gather(this.kv.values[layer] as KvArray, row.blockTable, row.paddingBlocks, row.position, past.value, r * rowElements, pastLength);
      });
    }
  }

  /** The last presents become this step's past: rows beyond the batch move into freed slots, joining rows are gathered. */
  private editPresentsIntoPast(layout: Extract<DecodePastLayout, { kind: 'edit presents' }>, plan: DecodeBatchPlan, rowElements: number): void {
    for (let layer = 0; layer < this.io.numLayers; layer++) {
      const present = this.buffers.present(layer);
      for (const pool of [present.key, present.value]) {
        for (const { from, to } of layout.moves) pool.copyWithin(to * rowElements, from * rowElements, (from + 1) * rowElements);
      }
      for (const index of layout.gathered) {
        const row = plan.rows[index] as DecodeBatchPlan['rows'][number];
        const offset = (layout.slots[index] as number) * rowElements;
        this.kv.gather(this.kv.keys[layer] as KvArray, row.blockTable, row.paddingBlocks, row.position, present.key, offset, layout.pastLength);
        this.kv.gather(this.kv.values[layer] as KvArray, row.blockTable, row.paddingBlocks, row.position, present.value, offset, layout.pastLength);
      }
    }
  }
}
