import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDecodePast, type DecodeRowKey, type PreviousDecode } from '../../../../src/backends/eager/decodePastLayout.js';
import type { RequestId } from '../../../../src/core/contracts/ids.js';

// One value per (request, token index): what the KV of that token would be. Rows are [length] here
// (one head of dim 1), right-aligned: token t of a row at position p sits at length - p + t.
const tokenValue = (requestId: RequestId, t: number): number => Number(requestId) * 1000 + t + 1;

function rightAligned(rows: readonly DecodeRowKey[], length: number, tokensOf: (row: DecodeRowKey) => number): Float64Array {
  const data = new Float64Array(rows.length * length);
  rows.forEach((row, r) => {
    const count = tokensOf(row);
    for (let t = 0; t < count; t++) data[r * length + length - count + t] = tokenValue(row.requestId, t);
  });
  return data;
}

/** Applies a layout to the previous presents the way the runner does (moves, then gathers of joining rows). */
function pastBy(previous: PreviousDecode, rows: readonly DecodeRowKey[]): { past: Float64Array; length: number; slots: readonly number[] } {
  const layout = planDecodePast(previous, rows);
  const length = layout.pastLength;
  if (layout.kind === 'gather') return { past: rightAligned(rows, length, (row) => row.position), length, slots: layout.slots };
  expect(length).toBe(previous.totalLength);
  // The presents hold each previous row's tokens up to and including its last one: position + 1 tokens.
  const buffer = new Float64Array(Math.max(previous.rows.length, rows.length) * length).fill(-7);
  buffer.set(rightAligned(previous.rows, length, (row) => row.position + 1));
  for (const { from, to } of layout.moves) buffer.copyWithin(to * length, from * length, (from + 1) * length);
  for (const index of layout.gathered) {
    const row = rows[index] as DecodeRowKey;
    const slot = layout.slots[index] as number;
    for (let t = 0; t < row.position; t++) buffer[slot * length + length - row.position + t] = tokenValue(row.requestId, t);
  }
  return { past: buffer.subarray(0, rows.length * length), length, slots: layout.slots };
}

/** The positions each plan row attends to in its slot: the last `position` of its past (the rest is masked padding). */
function visible(past: Float64Array, length: number, rows: readonly DecodeRowKey[], slots: readonly number[]): number[][] {
  return rows.map((row, index) => {
    const slot = slots[index] as number;
    return Array.from(past.subarray(slot * length + length - row.position, (slot + 1) * length));
  });
}

const key = (requestId: number, position: number): DecodeRowKey => ({ requestId: String(requestId) as RequestId, position });

describe('planDecodePast', () => {
  describe('having no previous decode step', () => {
    it('should gather every row, padded to the longest, in plan order', () => {
      expect(planDecodePast(undefined, [key(1, 5), key(2, 9)])).toEqual({ kind: 'gather', pastLength: 9, slots: [0, 1] });
    });
  });

  describe('when the same rows go on, one position further', () => {
    it('should read the presents as they are: no move, no gather', () => {
      const previous = { rows: [key(1, 5), key(2, 9)], totalLength: 10 };
      expect(planDecodePast(previous, [key(1, 6), key(2, 10)])).toEqual({ kind: 'edit presents', pastLength: 10, slots: [0, 1], moves: [], gathered: [] });
    });
  });

  describe('when a row joins in front (the scheduler puts the request it just prefilled first)', () => {
    it('should keep every other row in its slot and gather only the joining row into a new slot', () => {
      const previous = { rows: [key(1, 5), key(2, 9)], totalLength: 10 };
      expect(planDecodePast(previous, [key(3, 4), key(1, 6), key(2, 10)])).toEqual({ kind: 'edit presents', pastLength: 10, slots: [2, 0, 1], moves: [], gathered: [0] });
    });
  });

  describe('when a row in the middle leaves', () => {
    it('should move the last row into the freed slot', () => {
      const previous = { rows: [key(1, 5), key(2, 9), key(3, 7)], totalLength: 10 };
      expect(planDecodePast(previous, [key(1, 6), key(3, 8)])).toEqual({ kind: 'edit presents', pastLength: 10, slots: [0, 1], moves: [{ from: 2, to: 1 }], gathered: [] });
    });
  });

  describe('when a joining row is longer than the previous presents', () => {
    it('should gather everything at the new length', () => {
      const previous = { rows: [key(1, 5)], totalLength: 6 };
      expect(planDecodePast(previous, [key(1, 6), key(2, 20)])).toEqual({ kind: 'gather', pastLength: 20, slots: [0, 1] });
    });
  });

  describe('when the longest row left a block or more of padding behind', () => {
    it('should gather to tighten the padding', () => {
      const previous = { rows: [key(1, 100), key(2, 10)], totalLength: 101 };
      expect(planDecodePast(previous, [key(2, 11)]).kind).toBe('gather');
      expect(planDecodePast({ rows: [key(1, 50), key(2, 10)], totalLength: 51 }, [key(2, 11)]).kind).toBe('edit presents');
    });
  });

  describe('when rows change order', () => {
    it('should keep each row in its slot: nothing moves', () => {
      const previous = { rows: [key(1, 5), key(2, 5)], totalLength: 6 };
      expect(planDecodePast(previous, [key(2, 6), key(1, 6)])).toEqual({ kind: 'edit presents', pastLength: 6, slots: [1, 0], moves: [], gathered: [] });
    });
  });

  describe('when a request comes back at a position that does not follow (re-prefilled after preemption)', () => {
    it('should gather that row from the store rather than trust the old presents', () => {
      const previous = { rows: [key(1, 5), key(2, 8)], totalLength: 9 };
      expect(planDecodePast(previous, [key(1, 6), key(2, 3)])).toEqual({ kind: 'edit presents', pastLength: 9, slots: [0, 1], moves: [], gathered: [1] });
    });
  });

  describe('for any previous batch and any next batch', () => {
    it('should give every row exactly its own tokens in the positions it attends to', () => {
      const batches = fc
        .uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 })
        .chain((ids) =>
          fc.record({
            previous: fc.tuple(...ids.map((id) => fc.integer({ min: 1, max: 150 }).map((position) => key(id, position)))),
            // next: some previous rows go on (in order, one further, or re-prefilled), others join.
            keep: fc.array(fc.constantFrom('go on', 'leave', 'restart'), { minLength: ids.length, maxLength: ids.length }),
            joining: fc.array(fc.integer({ min: 1, max: 160 }), { maxLength: 4 }),
            order: fc.constantFrom('joining last', 'joining first', 'reversed'),
          }),
        );
      fc.assert(
        fc.property(batches, ({ previous, keep, joining, order }) => {
          const totalLength = Math.max(...previous.map((row) => row.position)) + 1;
          let rows: DecodeRowKey[] = [];
          previous.forEach((row, i) => {
            if (keep[i] === 'go on') rows.push(key(Number(row.requestId), row.position + 1));
            if (keep[i] === 'restart') rows.push(key(Number(row.requestId), Math.max(1, row.position - 3)));
          });
          const joiningRows = joining.map((position, j) => key(100 + j, position));
          rows = order === 'joining first' ? [...joiningRows, ...rows] : [...rows, ...joiningRows];
          if (order === 'reversed') rows.reverse();
          if (rows.length === 0) return;
          const { past, length, slots } = pastBy({ rows: previous, totalLength }, rows);
          expect([...slots].sort((a, b) => a - b)).toEqual(rows.map((_, index) => index));
          expect(length).toBeGreaterThanOrEqual(Math.max(...rows.map((row) => row.position)));
          const expected = rows.map((row) => Array.from({ length: row.position }, (_, t) => tokenValue(row.requestId, t)));
          expect(visible(past, length, rows, slots)).toEqual(expected);
        }),
        { numRuns: Number(process.env.FC_RUNS ?? 300) },
      );
    });
  });
});
