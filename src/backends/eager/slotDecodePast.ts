import * as ort from 'onnxruntime-node';
import type { DecodeBatchPlan } from '../../core/contracts/stepPlan.js';
import { BLOCK_SIZE } from '../../core/contracts/ids.js';
import type { DecodePast } from './decodePast.js';
import { planSlots, type DecodeRowKey, type SlotPlan } from './decodePastLayout.js';
import type { DecoderIoLayout } from './decoderIoLayout.js';
import { kvArray, type KvArray, type PagedKvStore } from './pagedKvStore.js';
import type { StepBuffers } from './stepBuffers.js';

/** Past capacities are multiples of this many positions: a larger step regathers less often, wastes more. */
const CAPACITY_STEP = 16;

const roundUp = (value: number, step: number): number => Math.ceil(value / step) * step;

/**
 * The decode past of a graph that exports its new tokens' KV (`io.newKv`), kept by the runner across steps
 * so that a step fetches only the logits and one token of KV per row.
 *
 * Per layer one key and one value buffer hold `[slot][kv head][capacity][head dim]`: a request keeps its
 * slot while it decodes (see `planSlots`), its tokens fill positions [0, position) of its rows from the left,
 * and each step's new key and value are written at `position` afterwards. The positions in [position,
 * capacity) are holes, masked out: the mask of a row reads `1…1 0…0 1` (past, holes, the new token). That
 * is only right for graphs that read the mask position by position — the decoders built here do; graphs
 * that read it as sequence lengths export no new KV and keep the presents path. When the longest row
 * reaches the capacity (or leaves a block of it unused) every row is gathered afresh from the paged store,
 * which stays the source of truth: each new token is also scattered there.
 */
export class SlotDecodePast implements DecodePast {
  private readonly keys: KvArray[];
  private readonly values: KvArray[];
  private capacity = 0;
  private previousRows: readonly DecodeRowKey[] | undefined;

  constructor(
    private readonly io: DecoderIoLayout,
    private readonly kv: PagedKvStore,
    private readonly buffers: StepBuffers,
  ) {
    this.keys = Array.from({ length: io.numLayers }, () => kvArray(io.kvDtype, 0));
    this.values = Array.from({ length: io.numLayers }, () => kvArray(io.kvDtype, 0));
  }

  /**
   * Lays out the step's past (moving, gathering or regathering rows as needed), fills ids, positions and
   * mask, and returns the feeds, the preallocated fetches and the slot of each plan row.
   */
  prepare(plan: DecodeBatchPlan): { feeds: Record<string, ort.Tensor>; fetches: Record<string, ort.Tensor>; slots: readonly number[] } {
    const io = this.io;
    const rows = plan.rows;
    const batch = rows.length;
    let longest = 0;
    for (const row of rows) longest = Math.max(longest, row.position);
    const needed = longest + 1; // the new token is written at `position`
    let layout: SlotPlan | undefined = this.previousRows === undefined ? undefined : planSlots(this.previousRows, rows);
    const fits = needed <= this.capacity && this.capacity - needed < BLOCK_SIZE && batch * this.rowElements() <= this.bufferLength();
    if (layout === undefined || !fits) {
      this.capacity = roundUp(needed, CAPACITY_STEP);
      this.ensureBuffers(batch * this.rowElements());
      layout = { slots: rows.map((_, index) => index), moves: [], gathered: rows.map((_, index) => index) };
    }
    this.lay(plan, layout);
    const b = this.buffers;
    const capacity = this.capacity;
    b.fillDecodeRows(rows, layout.slots, capacity + 1, (position) => [position, capacity]); // holes after the row's tokens
    const feeds = b.intFeeds(batch, 1, capacity + 1);
    const dims = [batch, io.numKvHeads, capacity, io.headDim];
    const length = batch * this.rowElements();
    for (let layer = 0; layer < io.numLayers; layer++) {
      feeds[io.pastKeyNames[layer] as string] = new ort.Tensor(io.kvDtype, (this.keys[layer] as KvArray).subarray(0, length), dims);
      feeds[io.pastValueNames[layer] as string] = new ort.Tensor(io.kvDtype, (this.values[layer] as KvArray).subarray(0, length), dims);
    }
    this.previousRows = undefined; // until the step has run and its new KV is kept
    return { feeds, fetches: b.newKvFetches(batch, 1), slots: layout.slots };
  }

  /** After the step ran: each row's new key and value into its slot (at `position`) and into the paged store. */
  keep(plan: DecodeBatchPlan, slots: readonly number[]): void {
    const io = this.io;
    const { numKvHeads, headDim } = io;
    const rowElements = this.rowElements();
    const headRun = this.capacity * headDim;
    const storeHeadRun = this.kv.headRun;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const fresh = this.buffers.newKv(layer);
      const keys = this.keys[layer] as KvArray;
      const values = this.values[layer] as KvArray;
      const storeKeys = this.kv.keys[layer] as KvArray;
      const storeValues = this.kv.values[layer] as KvArray;
      for (let index = 0; index < plan.rows.length; index++) {
        const row = plan.rows[index] as DecodeBatchPlan['rows'][number];
        const slot = slots[index] as number;
        const source = slot * numKvHeads * headDim;
        const target = slot * rowElements + row.position * headDim;
        const blockId = row.blockTable[row.paddingBlocks + Math.floor(row.position / BLOCK_SIZE)] as number;
        const storeTarget = this.kv.tokenOffset(blockId, row.position % BLOCK_SIZE); // -1: the null block, never written
        for (let head = 0; head < numKvHeads; head++) {
          const from = source + head * headDim;
          const to = target + head * headRun;
          const toStore = storeTarget + head * storeHeadRun;
          for (let d = 0; d < headDim; d++) {
            const key = fresh.key[from + d] as number;
            const value = fresh.value[from + d] as number;
            keys[to + d] = key;
            values[to + d] = value;
            if (storeTarget >= 0) {
              storeKeys[toStore + d] = key;
              storeValues[toStore + d] = value;
            }
          }
        }
      }
    }
    const slotRows = new Array<DecodeRowKey>(plan.rows.length);
    plan.rows.forEach((row, index) => { slotRows[slots[index] as number] = { requestId: row.requestId, position: row.position }; });
    this.previousRows = slotRows;
  }

  private rowElements(): number {
    return this.io.numKvHeads * this.capacity * this.io.headDim;
  }

  private bufferLength(): number {
    return Math.min((this.keys[0] as KvArray).length, (this.values[0] as KvArray).length);
  }

  /** Buffers of at least `length` elements (with room for a few more rows); contents are gathered afresh after. */
  private ensureBuffers(length: number): void {
    if (this.bufferLength() >= length) return;
    const size = Math.max(length + 4 * this.rowElements(), 2 * this.bufferLength());
    for (let layer = 0; layer < this.io.numLayers; layer++) {
      this.keys[layer] = kvArray(this.io.kvDtype, size);
      this.values[layer] = kvArray(this.io.kvDtype, size);
    }
  }

  private lay(plan: DecodeBatchPlan, layout: SlotPlan): void {
    const rowElements = this.rowElements();
    for (let layer = 0; layer < this.io.numLayers; layer++) {
      for (const pool of [this.keys[layer] as KvArray, this.values[layer] as KvArray]) {
        for (const { from, to } of layout.moves) pool.copyWithin(to * rowElements, from * rowElements, (from + 1) * rowElements);
      }
      for (const index of layout.gathered) {
        const row = plan.rows[index] as DecodeBatchPlan['rows'][number];
        const offset = (layout.slots[index] as number) * rowElements;
        this.kv.gatherFrom(this.kv.keys[layer] as KvArray, row.blockTable, row.paddingBlocks, row.position, this.keys[layer] as KvArray, offset, this.capacity, 0);
        this.kv.gatherFrom(this.kv.values[layer] as KvArray, row.blockTable, row.paddingBlocks, row.position, this.values[layer] as KvArray, offset, this.capacity, 0);
      }
    }
  }
}
