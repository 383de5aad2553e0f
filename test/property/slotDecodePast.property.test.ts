import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as ort from 'onnxruntime-node';
import { asRequestId, BLOCK_SIZE, type BlockId } from '../../src/core/contracts/ids.js';
import type { DecodeBatchPlan, DecodeRowPlan } from '../../src/core/contracts/stepPlan.js';
import type { DecoderIoLayout } from '../../src/backends/eager/decoderIoLayout.js';
import { PagedKvStore } from '../../src/backends/eager/pagedKvStore.js';
import { SlotDecodePast } from '../../src/backends/eager/slotDecodePast.js';
import type { StepBuffers } from '../../src/backends/eager/stepBuffers.js';

// SlotDecodePast without onnxruntime: the "model" outputs, as each token's new key and value, a number that
// names the request, the position, the layer, the head and the element. For any run of joins, steps,
// leaves and reads, every decode step's past must hold exactly the row's own tokens, and the paged store
// must hold every token a read (a prefill's storeBlocks) asks for — late store writes may delay a token,
// never lose or misplace it. (Blocks are never reused here; eagerRunner.greedy.test.ts covers a block
// freed by a finished request and prefilled into at once.)

const LAYERS = 2;
const HEADS = 2;
const DIM = 2;
const io = {
  numLayers: LAYERS, numKvHeads: HEADS, headDim: DIM, kvDtype: 'float32',
  pastKeyNames: ['k0', 'k1'], pastValueNames: ['v0', 'v1'], newKv: { keyNames: ['nk0', 'nk1'], valueNames: ['nv0', 'nv1'] },
} as unknown as DecoderIoLayout;

const keyOf = (request: number, position: number, layer: number, head: number, d: number): number => request * 4096 + position * 16 + layer * 8 + head * 2 + d;
const valueOf = (request: number, position: number, layer: number, head: number, d: number): number => -keyOf(request, position, layer, head, d) - 1;

/** The step buffers' part SlotDecodePast uses, with the new KV the test hands it. */
class FakeBuffers {
  fresh: { key: Float32Array; value: Float32Array }[] = [];
  fillDecodeRows(): void {}
  intFeeds(): Record<string, ort.Tensor> { return {}; }
  newKvFetches(): Record<string, ort.Tensor> { return {}; }
  newKv(layer: number): { key: Float32Array; value: Float32Array } { return this.fresh[layer] as { key: Float32Array; value: Float32Array }; }
}

interface Sequence { readonly id: number; written: number; readonly blocks: BlockId[]; done: boolean }

type Op = { kind: 'join'; promptLength: number } | { kind: 'step'; pick: number; order: number } | { kind: 'leave'; pick: number } | { kind: 'read'; pick: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('join' as const), promptLength: fc.integer({ min: 1, max: 140 }) }),
    fc.record({ kind: fc.constant('step' as const), pick: fc.nat(), order: fc.nat() }),
    fc.record({ kind: fc.constant('step' as const), pick: fc.nat(), order: fc.nat() }),
    fc.record({ kind: fc.constant('leave' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('read' as const), pick: fc.nat() }),
  ),
  { minLength: 1, maxLength: 60 },
);

function run(script: readonly Op[]): void {
  const kv = new PagedKvStore({ numBlocks: 400, numLayers: LAYERS, numKvHeads: HEADS, headDim: DIM, dtype: 'float32' });
  const buffers = new FakeBuffers();
  const past = new SlotDecodePast(io, kv, buffers as unknown as StepBuffers);
  const sequences: Sequence[] = [];
  let nextBlock = 1;
  const ensureBlocks = (sequence: Sequence, positions: number): void => {
    while (sequence.blocks.length * BLOCK_SIZE < positions) sequence.blocks.push(nextBlock++ as BlockId);
  };
  /** The sequence's tokens [0, length) of one layer laid out [head][position][element], as a prefill outputs them. */
  const tokensOf = (sequence: Sequence, layer: number, length: number, of: typeof keyOf): Float32Array =>
    Float32Array.from({ length: HEADS * length * DIM }, (_, index) => of(sequence.id, Math.floor(index / DIM) % length, layer, Math.floor(index / (length * DIM)), index % DIM));
  /** A prefill of the first `length` tokens, written block by block as the runner scatters a chunk. */
  const prefill = (sequence: Sequence, length: number): void => {
    for (let layer = 0; layer < LAYERS; layer++) {
      const keys = tokensOf(sequence, layer, length, keyOf);
      const values = tokensOf(sequence, layer, length, valueOf);
      for (let start = 0; start < length; start += BLOCK_SIZE) {
        const block = sequence.blocks[start / BLOCK_SIZE] as BlockId;
        const count = Math.min(BLOCK_SIZE, length - start);
        kv.scatterRun(kv.keys[layer] as Float32Array, keys, length, start, count, block, 0);
        kv.scatterRun(kv.values[layer] as Float32Array, values, length, start, count, block, 0);
      }
    }
  };
  /** The store must hold every token `sequence` has written, read back as a prefill's past is gathered. */
  const expectStored = (sequence: Sequence): void => {
    const length = sequence.written;
    for (let layer = 0; layer < LAYERS; layer++) {
      const keys = new Float32Array(HEADS * length * DIM);
      const values = new Float32Array(HEADS * length * DIM);
      kv.gather(kv.keys[layer] as Float32Array, sequence.blocks, 0, length, keys, 0, length);
      kv.gather(kv.values[layer] as Float32Array, sequence.blocks, 0, length, values, 0, length);
      expect(keys, `request ${sequence.id} layer ${layer}`).toEqual(tokensOf(sequence, layer, length, keyOf));
      expect(values, `request ${sequence.id} layer ${layer}`).toEqual(tokensOf(sequence, layer, length, valueOf));
    }
  };
  for (const op of script) {
    const running = sequences.filter((sequence) => !sequence.done);
    if (op.kind === 'join') {
      if (running.length >= 6) continue;
      const sequence: Sequence = { id: sequences.length + 1, written: 0, blocks: [], done: false };
      ensureBlocks(sequence, op.promptLength);
      past.storeBlocks(sequence.blocks); // as the runner does before a prefill
      prefill(sequence, op.promptLength);
      sequence.written = op.promptLength;
      sequences.push(sequence);
    } else if (op.kind === 'leave') {
      if (running.length > 0) (running[op.pick % running.length] as Sequence).done = true;
    } else if (op.kind === 'read') {
      if (sequences.length === 0) continue;
      const sequence = sequences[op.pick % sequences.length] as Sequence;
      past.storeBlocks(sequence.blocks); // a prefix hit on its blocks
      expectStored(sequence);
    } else {
      if (running.length === 0) continue;
      // A non-empty subset of the running requests, in some order.
      const chosen = running.filter((_, index) => ((op.pick >> index) & 1) === 1 || index === op.pick % running.length);
      const rows = chosen.map((_, index) => chosen[(index + op.order) % chosen.length] as Sequence);
      for (const sequence of rows) ensureBlocks(sequence, sequence.written + 1);
      const maxBlocks = Math.max(...rows.map((sequence) => sequence.blocks.length));
      const plan: DecodeBatchPlan = {
        kind: 'decode',
        tkv: 0,
        rows: rows.map((sequence): DecodeRowPlan => ({
          requestId: asRequestId(`r${sequence.id}`), sampling: {}, tokenId: 0, position: sequence.written, numPromptTokens: 1,
          blockTable: [...new Array<BlockId>(maxBlocks - sequence.blocks.length).fill(0 as BlockId), ...sequence.blocks], paddingBlocks: maxBlocks - sequence.blocks.length,
        })),
      };
      const { feeds, slots } = past.prepare(plan);
      // Each row's past: its own tokens at positions [0, position) of its slot.
      for (let layer = 0; layer < LAYERS; layer++) {
        const tensor = feeds[`k${layer}`] as ort.Tensor;
        const capacity = tensor.dims[2] as number;
        const data = tensor.data as Float32Array;
        rows.forEach((sequence, index) => {
          for (let position = 0; position < sequence.written; position++) {
            const head = position % HEADS;
            const at = (((slots[index] as number) * HEADS + head) * capacity + position) * DIM + 1;
            expect(data[at], `step past of request ${sequence.id} position ${position} layer ${layer}`).toBe(keyOf(sequence.id, position, layer, head, 1));
          }
        });
      }
      const batch = rows.length;
      buffers.fresh = Array.from({ length: LAYERS }, (_, layer) => {
        const key = new Float32Array(batch * HEADS * DIM);
        const value = new Float32Array(batch * HEADS * DIM);
        rows.forEach((sequence, index) => {
          for (let head = 0; head < HEADS; head++) {
            for (let d = 0; d < DIM; d++) {
              key[((slots[index] as number) * HEADS + head) * DIM + d] = keyOf(sequence.id, sequence.written, layer, head, d);
              value[((slots[index] as number) * HEADS + head) * DIM + d] = valueOf(sequence.id, sequence.written, layer, head, d);
            }
          }
        });
        return { key, value };
      });
      past.keep(plan, slots);
      for (const sequence of rows) sequence.written += 1;
    }
  }
  // A prefill reading every block at the end: nothing lost, nothing misplaced.
  past.storeBlocks(sequences.flatMap((sequence) => sequence.blocks));
  for (const sequence of sequences) expectStored(sequence);
}

describe('SlotDecodePast with late store writes, for any run of joins, decode steps, leaves and reads', () => {
  it('should give every step each row\'s own past and the store every token a read asks for', () => {
    fc.assert(fc.property(ops, (script) => run(script)), { numRuns: 200 });
  });
});
