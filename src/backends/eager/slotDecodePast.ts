import * as ort from 'onnxruntime-node';
import type { DecodeBatchPlan } from '../../core/contracts/stepPlan.js';
import { BLOCK_SIZE, NULL_BLOCK_ID, type BlockId } from '../../core/contracts/ids.js';
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
 * reaches the capacity (or leaves a block of it unused) every row is gathered afresh from the paged store.
 *
 * New tokens go to their slot only; the paged store gets them later, a run of tokens per block and head
 * at once (`UnstoredRun`), and always before anything else reads or writes those blocks: before a row
 * gives up its slot (it left the batch or moves, or everything is regathered) and before a prefill that
 * touches one of the blocks (`storeBlocks`: a prefix hit reads them, or they were freed and now take its
 * prompt).
 */
export class SlotDecodePast implements DecodePast {
  private readonly keys: KvArray[];
  private readonly values: KvArray[];
  private capacity = 0;
  private previousRows: readonly DecodeRowKey[] | undefined;
  /** Per slot, the decode tokens it holds that the paged store does not have yet. */
  private unstored: (UnstoredRun | undefined)[] = [];

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
      this.storeAll();
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

  /** After the step ran: each row's new key and value into its slot (at `position`); the paged store gets them later. */
  keep(plan: DecodeBatchPlan, slots: readonly number[]): void {
    const io = this.io;
    const { numKvHeads, headDim } = io;
    const rowElements = this.rowElements();
    const headRun = this.capacity * headDim;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const fresh = this.buffers.newKv(layer);
      const keys = this.keys[layer] as KvArray;
      const values = this.values[layer] as KvArray;
      for (let index = 0; index < plan.rows.length; index++) {
        const source = (slots[index] as number) * numKvHeads * headDim;
        const target = (slots[index] as number) * rowElements + (plan.rows[index] as DecodeBatchPlan['rows'][number]).position * headDim;
        for (let head = 0; head < numKvHeads; head++) {
          const from = source + head * headDim;
          const to = target + head * headRun;
          for (let d = 0; d < headDim; d++) {
            keys[to + d] = fresh.key[from + d] as number;
            values[to + d] = fresh.value[from + d] as number;
          }
        }
      }
    }
    const slotRows = new Array<DecodeRowKey>(plan.rows.length);
    plan.rows.forEach((row, index) => {
      const slot = slots[index] as number;
      slotRows[slot] = { requestId: row.requestId, position: row.position };
      const run = this.unstored[slot];
      if (run === undefined) {
        this.unstored[slot] = { blockTable: row.blockTable, paddingBlocks: row.paddingBlocks, from: row.position, to: row.position + 1 };
      } else {
        run.blockTable = row.blockTable; // the batch's padding may differ from the last step's
        run.paddingBlocks = row.paddingBlocks;
        run.to = row.position + 1;
      }
    });
    this.previousRows = slotRows;
  }

  /** Before a prefill: stores every slot's unstored tokens that fall in one of `blocks`. */
  storeBlocks(blocks: readonly BlockId[]): void {
    for (let slot = 0; slot < this.unstored.length; slot++) {
      const run = this.unstored[slot];
      if (run === undefined || run.from >= run.to) continue;
      const first = run.paddingBlocks + Math.floor(run.from / BLOCK_SIZE);
      const last = run.paddingBlocks + Math.floor((run.to - 1) / BLOCK_SIZE);
      for (let index = first; index <= last; index++) {
        const blockId = run.blockTable[index] as BlockId;
        if (blockId !== NULL_BLOCK_ID && blocks.includes(blockId)) {
          this.store(slot);
          break;
        }
      }
    }
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
    this.storeSlotsGivenUp(layout);
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

  /**
   * Stores the tokens of every slot whose row does not go on in it: the row left the batch, moves to a
   * lower slot, or comes back at a position that does not follow (and is gathered). Before `lay` moves or
   * gathers anything, so every slot still holds what its run says.
   */
  private storeSlotsGivenUp(layout: SlotPlan): void {
    const moved = new Set<number>(layout.moves.map((move) => move.to));
    const kept = new Set<number>();
    layout.slots.forEach((slot, index) => { if (!layout.gathered.includes(index) && !moved.has(slot)) kept.add(slot); });
    for (let slot = 0; slot < this.unstored.length; slot++) {
      if (kept.has(slot)) continue;
      this.store(slot);
      this.unstored[slot] = undefined;
    }
  }

  /** Stores every slot's tokens and forgets the runs: everything is about to be gathered afresh. */
  private storeAll(): void {
    for (let slot = 0; slot < this.unstored.length; slot++) this.store(slot);
    this.unstored = [];
  }

  /** Copies the slot's unstored tokens to their blocks in the paged store, one copy per (layer, block, head). */
  private store(slot: number): void {
    const run = this.unstored[slot];
    if (run === undefined || run.from >= run.to) return;
    const rowElements = this.rowElements();
    const start = slot * rowElements;
    for (let layer = 0; layer < this.io.numLayers; layer++) {
      const keys = (this.keys[layer] as KvArray).subarray(start, start + rowElements);
      const values = (this.values[layer] as KvArray).subarray(start, start + rowElements);
      for (let position = run.from; position < run.to; ) {
        const end = Math.min(run.to, (Math.floor(position / BLOCK_SIZE) + 1) * BLOCK_SIZE);
        const blockId = run.blockTable[run.paddingBlocks + Math.floor(position / BLOCK_SIZE)] as BlockId;
        this.kv.scatterRun(this.kv.keys[layer] as KvArray, keys, this.capacity, position, end - position, blockId, position % BLOCK_SIZE);
        this.kv.scatterRun(this.kv.values[layer] as KvArray, values, this.capacity, position, end - position, blockId, position % BLOCK_SIZE);
        position = end;
      }
    }
    run.from = run.to;
  }
}

/** Decode tokens a slot holds that the paged store does not have yet: positions [from, to) of the slot's row, in its blocks. */
interface UnstoredRun {
  blockTable: readonly BlockId[];
  paddingBlocks: number;
  from: number;
  to: number;
}
