import * as ort from 'onnxruntime-node';
import type { DecoderIoLayout, FloatDtype, IdsDtype } from './decoderIoLayout.js';
import { kvArray, type KvArray } from './pagedKvStore.js';

/**
 * An integer input (ids, mask, positions) in a buffer that only grows. int64 values are written as two
 * int32 words (little-endian, values < 2^31), so filling it allocates no BigInt per token.
 */
class IntInput {
  private words = new Int32Array(0);

  constructor(private readonly dtype: IdsDtype) {}

  /** Word view of at least `length` elements; element i is word `i * stride`. */
  reserve(length: number): Int32Array {
    const wordsNeeded = length * this.stride;
    if (this.words.length < wordsNeeded) this.words = new Int32Array(Math.max(wordsNeeded, this.words.length * 2));
    return this.words;
  }

  get stride(): number {
    return this.dtype === 'int64' ? 2 : 1;
  }

  /** Sets elements [0, length) to `value` (high words to 0). */
  fill(length: number, value: number): Int32Array {
    const words = this.reserve(length);
    if (this.stride === 1) words.fill(value, 0, length);
    else for (let i = 0; i < length; i++) { words[2 * i] = value; words[2 * i + 1] = 0; }
    return words;
  }

  tensor(dims: readonly number[]): ort.Tensor {
    const length = dims.reduce((a, b) => a * b, 1);
    return this.dtype === 'int64'
      ? new ort.Tensor('int64', new BigInt64Array(this.words.buffer, 0, length), dims)
      : new ort.Tensor('int32', this.words.subarray(0, length), dims);
  }
}

/** Tokens of length a present buffer is allocated beyond what the step needs. */
const GROWTH_ROOM_TOKENS = 64;

/**
 * `buffer` if it holds `length` elements, else a new one of at least `room` (≥ length) elements and
 * twice the old size. The contents keep their meaning only until the buffer is grown (then it starts empty).
 */
function grown(buffer: KvArray, dtype: FloatDtype, length: number, room = length): KvArray {
  return buffer.length >= length ? buffer : kvArray(dtype, Math.max(room, buffer.length * 2));
}

/** One key and one value buffer per layer. */
interface KvSet {
  readonly keys: KvArray[];
  readonly values: KvArray[];
}

/** Where a step's past comes from: gathered into the buffers, or the presents the previous step wrote. */
export type PastSource = 'gathered' | 'previous presents';

/**
 * The runner's buffers for one kind of step, reused across steps and grown geometrically: ids, mask and
 * positions; logits; and two KV sets per layer that trade roles. onnxruntime writes a step's `present`
 * tensors straight into one set (preallocated outputs: no fresh allocation per step), while the step's
 * past is read from the other; a step that continues the previous one reads the presents in place, so
 * feeding them back copies nothing. A step creates tensor views over the buffers, not arrays.
 */
export class StepBuffers {
  readonly inputIds: IntInput;
  readonly attentionMask: IntInput;
  readonly positionIds: IntInput;
  private readonly sets: readonly [KvSet, KvSet];
  /** The set holding the last presents; past is gathered into the other one. */
  private presentsSet: 0 | 1 = 0;
  /** The set the current step reads its past from (set by `feeds`). */
  private pastSet: 0 | 1 = 1;
  private logits: KvArray;
  private readonly newKeys: KvArray[];
  private readonly newValues: KvArray[];

  constructor(private readonly io: DecoderIoLayout) {
    this.inputIds = new IntInput(io.idsDtype);
    this.attentionMask = new IntInput(io.idsDtype);
    this.positionIds = new IntInput(io.idsDtype);
    const emptySet = (): KvSet => ({
      keys: Array.from({ length: io.numLayers }, () => kvArray(io.kvDtype, 0)),
      values: Array.from({ length: io.numLayers }, () => kvArray(io.kvDtype, 0)),
    });
    this.sets = [emptySet(), emptySet()];
    this.logits = kvArray(io.logitsDtype, 0);
    this.newKeys = Array.from({ length: io.numLayers }, () => kvArray(io.kvDtype, 0));
    this.newValues = Array.from({ length: io.numLayers }, () => kvArray(io.kvDtype, 0));
  }

  /** Past buffers of layer `layer` to gather into, with room for `length` elements (stale contents are masked or overwritten). */
  past(layer: number, length: number): { readonly key: KvArray; readonly value: KvArray } {
    const set = this.sets[1 - this.presentsSet] as KvSet;
    set.keys[layer] = grown(set.keys[layer] as KvArray, this.io.kvDtype, length);
    set.values[layer] = grown(set.values[layer] as KvArray, this.io.kvDtype, length);
    return { key: set.keys[layer] as KvArray, value: set.values[layer] as KvArray };
  }

  /**
   * The feeds for a [batch, sequence] step with `pastLength` past positions; fill the int inputs first,
   * and for a gathered past, the `past` buffers. A past of 'previous presents' must have exactly the
   * layout the previous step's presents have (same rows, `pastLength` = their length).
   */
  feeds(batch: number, sequence: number, pastLength: number, source: PastSource): Record<string, ort.Tensor> {
    const io = this.io;
    this.pastSet = source === 'gathered' ? ((1 - this.presentsSet) as 0 | 1) : this.presentsSet;
    const feeds = this.intFeeds(batch, sequence, pastLength + sequence);
    const set = this.sets[this.pastSet];
    const dims = [batch, io.numKvHeads, pastLength, io.headDim];
    const length = batch * io.numKvHeads * pastLength * io.headDim;
    for (let layer = 0; layer < io.numLayers; layer++) {
      feeds[io.pastKeyNames[layer] as string] = new ort.Tensor(io.kvDtype, (set.keys[layer] as KvArray).subarray(0, length), dims);
      feeds[io.pastValueNames[layer] as string] = new ort.Tensor(io.kvDtype, (set.values[layer] as KvArray).subarray(0, length), dims);
    }
    return feeds;
  }

  /**
   * Fills ids, positions and mask of a one-token-per-row decode batch: plan row i runs in slot `slots[i]`,
   * each slot's mask is `maskLength` long, 1 except on the positions `[from, to)` that `masked` names for
   * the row (left padding, or holes).
   */
  fillDecodeRows(rows: readonly { readonly tokenId: number; readonly position: number }[], slots: readonly number[], maskLength: number, masked: (position: number) => readonly [number, number]): void {
    const batch = rows.length;
    const ids = this.inputIds.fill(batch, 0);
    const positions = this.positionIds.fill(batch, 0);
    const mask = this.attentionMask.fill(batch * maskLength, 1);
    const maskStride = this.attentionMask.stride;
    rows.forEach((row, index) => {
      const slot = slots[index] as number;
      ids[slot * this.inputIds.stride] = row.tokenId;
      positions[slot * this.positionIds.stride] = row.position;
      const [from, to] = masked(row.position);
      for (let i = from; i < to; i++) mask[(slot * maskLength + i) * maskStride] = 0;
    });
  }

  /** The integer feeds (ids, mask of `maskLength` per row, positions) over the filled int buffers. */
  intFeeds(batch: number, sequence: number, maskLength: number): Record<string, ort.Tensor> {
    return {
      input_ids: this.inputIds.tensor([batch, sequence]),
      attention_mask: this.attentionMask.tensor([batch, maskLength]),
      position_ids: this.positionIds.tensor([batch, sequence]),
    };
  }

  /**
   * Preallocated outputs for the step `feeds` just described, `totalLength` = past + sequence: the
   * presents go to the set the past is not read from, which then holds the last presents.
   */
  fetches(batch: number, sequence: number, totalLength: number): Record<string, ort.Tensor> {
    const io = this.io;
    const target = (1 - this.pastSet) as 0 | 1;
    const set = this.sets[target];
    const dims = [batch, io.numKvHeads, totalLength, io.headDim];
    const length = batch * io.numKvHeads * totalLength * io.headDim;
    // Room for a block more of length: decode steps grow the length by one each, and the two sets
    // alternate, so without it each would be reallocated (and page-faulted in) twice in a row.
    const room = batch * io.numKvHeads * (totalLength + GROWTH_ROOM_TOKENS) * io.headDim;
    const fetches: Record<string, ort.Tensor> = {};
    for (let layer = 0; layer < io.numLayers; layer++) {
      set.keys[layer] = grown(set.keys[layer] as KvArray, io.kvDtype, length, room);
      set.values[layer] = grown(set.values[layer] as KvArray, io.kvDtype, length, room);
      fetches[io.presentKeyNames[layer] as string] = new ort.Tensor(io.kvDtype, (set.keys[layer] as KvArray).subarray(0, length), dims);
      fetches[io.presentValueNames[layer] as string] = new ort.Tensor(io.kvDtype, (set.values[layer] as KvArray).subarray(0, length), dims);
    }
    const logitsLength = batch * sequence * io.vocabSize;
    this.logits = grown(this.logits, io.logitsDtype, logitsLength);
    fetches.logits = new ort.Tensor(io.logitsDtype, this.logits.subarray(0, logitsLength), [batch, sequence, io.vocabSize]);
    this.presentsSet = target;
    return fetches;
  }

  /** The last step's present key and value of `layer`, laid out [batch][heads][total length][head dim]. */
  present(layer: number): { readonly key: KvArray; readonly value: KvArray } {
    const set = this.sets[this.presentsSet];
    return { key: set.keys[layer] as KvArray, value: set.values[layer] as KvArray };
  }

  /**
   * Preallocated outputs for a graph that exports its new tokens' KV (`io.newKv`): the logits and, per
   * layer, the new key and value ([batch, heads, sequence, head dim]) — not the presents.
   */
  newKvFetches(batch: number, sequence: number): Record<string, ort.Tensor> {
    const io = this.io;
    const names = io.newKv;
    if (names === undefined) throw new Error('the graph exports no new_key_values outputs');
    const dims = [batch, io.numKvHeads, sequence, io.headDim];
    const length = batch * io.numKvHeads * sequence * io.headDim;
    const fetches: Record<string, ort.Tensor> = {};
    for (let layer = 0; layer < io.numLayers; layer++) {
      this.newKeys[layer] = grown(this.newKeys[layer] as KvArray, io.kvDtype, length);
      this.newValues[layer] = grown(this.newValues[layer] as KvArray, io.kvDtype, length);
      fetches[names.keyNames[layer] as string] = new ort.Tensor(io.kvDtype, (this.newKeys[layer] as KvArray).subarray(0, length), dims);
      fetches[names.valueNames[layer] as string] = new ort.Tensor(io.kvDtype, (this.newValues[layer] as KvArray).subarray(0, length), dims);
    }
    const logitsLength = batch * sequence * io.vocabSize;
    this.logits = grown(this.logits, io.logitsDtype, logitsLength);
    fetches.logits = new ort.Tensor(io.logitsDtype, this.logits.subarray(0, logitsLength), [batch, sequence, io.vocabSize]);
    return fetches;
  }

  /** The last step's new key and value of `layer` (after `newKvFetches`), laid out [batch][heads][sequence][head dim]. */
  newKv(layer: number): { readonly key: KvArray; readonly value: KvArray } {
    return { key: this.newKeys[layer] as KvArray, value: this.newValues[layer] as KvArray };
  }

  /** Elements every present buffer of the last presents' set holds: the room to edit them into a larger past. */
  presentCapacity(): number {
    const set = this.sets[this.presentsSet];
    let capacity = Infinity;
    for (let layer = 0; layer < this.io.numLayers; layer++) capacity = Math.min(capacity, (set.keys[layer] as KvArray).length, (set.values[layer] as KvArray).length);
    return capacity;
  }

  /** The last step's logits, [batch × sequence, vocab]. */
  lastLogits(): KvArray {
    return this.logits;
  }
}
