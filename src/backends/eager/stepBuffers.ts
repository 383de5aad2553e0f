import * as ort from 'onnxruntime-node';
import type { DecoderIoLayout, IdsDtype } from './decoderIoLayout.js';
import type { KvArray } from './pagedKvStore.js';

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

/**
 * The runner's input buffers, reused across steps and grown geometrically: ids, mask and positions, and
 * one past key and one past value buffer per layer. A step creates tensor views over them, not arrays.
 */
export class StepBuffers {
  readonly inputIds: IntInput;
  readonly attentionMask: IntInput;
  readonly positionIds: IntInput;
  private readonly pastKeys: KvArray[];
  private readonly pastValues: KvArray[];

  constructor(private readonly io: DecoderIoLayout) {
    this.inputIds = new IntInput(io.idsDtype);
    this.attentionMask = new IntInput(io.idsDtype);
    this.positionIds = new IntInput(io.idsDtype);
    const empty = (): KvArray => (io.kvDtype === 'float16' ? new Uint16Array(0) : new Float32Array(0));
    this.pastKeys = Array.from({ length: io.numLayers }, empty);
    this.pastValues = Array.from({ length: io.numLayers }, empty);
  }

  /** Past buffers of layer `layer` with room for `length` elements (stale contents are masked or overwritten). */
  past(layer: number, length: number): { readonly key: KvArray; readonly value: KvArray } {
    this.pastKeys[layer] = this.grown(this.pastKeys[layer] as KvArray, length);
    this.pastValues[layer] = this.grown(this.pastValues[layer] as KvArray, length);
    return { key: this.pastKeys[layer] as KvArray, value: this.pastValues[layer] as KvArray };
  }

  /**
   * The feeds for a [batch, sequence] step with `pastLength` past positions; fill the buffers first.
   * Without `pastFromBuffers` the caller sets the past tensors itself.
   */
  feeds(batch: number, sequence: number, pastLength: number, pastFromBuffers = true): Record<string, ort.Tensor> {
    const io = this.io;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: this.inputIds.tensor([batch, sequence]),
      attention_mask: this.attentionMask.tensor([batch, pastLength + sequence]),
      position_ids: this.positionIds.tensor([batch, sequence]),
    };
    if (!pastFromBuffers) return feeds;
    const dims = [batch, io.numKvHeads, pastLength, io.headDim];
    const length = batch * io.numKvHeads * pastLength * io.headDim;
    for (let layer = 0; layer < io.numLayers; layer++) {
      feeds[io.pastKeyNames[layer] as string] = new ort.Tensor(io.kvDtype, (this.pastKeys[layer] as KvArray).subarray(0, length), dims);
      feeds[io.pastValueNames[layer] as string] = new ort.Tensor(io.kvDtype, (this.pastValues[layer] as KvArray).subarray(0, length), dims);
    }
    return feeds;
  }

  private grown(buffer: KvArray, length: number): KvArray {
    if (buffer.length >= length) return buffer;
    const size = Math.max(length, buffer.length * 2);
    return buffer instanceof Uint16Array ? new Uint16Array(size) : new Float32Array(size);
  }
}
