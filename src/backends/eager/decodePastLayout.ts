import { BLOCK_SIZE, type RequestId } from '../../core/contracts/ids.js';

/** A decode row as the layout sees it: which request, at which position. */
export interface DecodeRowKey {
  readonly requestId: RequestId;
  readonly position: number;
}

/** The last decode step: its rows in batch (slot) order and the length of its presents (past + 1). */
export interface PreviousDecode {
  readonly rows: readonly DecodeRowKey[];
  readonly totalLength: number;
}

/** Move the past held in slot `from` of the last presents to slot `to`. */
export interface RowMove {
  readonly from: number;
  readonly to: number;
}

/**
 * How a decode step lays out its batch: plan row i runs in batch slot `slots[i]`, each slot's past
 * right-aligned to `pastLength` (left padding masked). The slot order is the runner's own — onnxruntime
 * does not care which row is where — so a request keeps its slot for as long as it decodes.
 * - `gather`: every row's past comes from the paged store (slots in plan order);
 * - `edit presents`: the last step's presents are edited in place into this step's past. Rows that go
 *   on keep their slot; the few in slots at or beyond the new batch size move into freed slots below it
 *   (`moves`: their targets are free slots, so the moves never overlap); joining rows (`gathered`, plan
 *   indices) are gathered from the paged store into the remaining slots. A batch that simply continues
 *   has no moves and gathers nothing: nothing is copied at all.
 */
export type DecodePastLayout =
  | { readonly kind: 'gather'; readonly pastLength: number; readonly slots: readonly number[] }
  | { readonly kind: 'edit presents'; readonly pastLength: number; readonly slots: readonly number[]; readonly moves: readonly RowMove[]; readonly gathered: readonly number[] };

/** Where each row of a decode step runs: plan row i in slot `slots[i]`; see `planSlots`. */
export interface SlotPlan {
  readonly slots: readonly number[];
  readonly moves: readonly RowMove[];
  /** Plan rows whose past is not in the previous step's buffers and must be gathered. */
  readonly gathered: readonly number[];
}

/**
 * Assigns batch slots to this step's rows given the previous step's rows in slot order. A row that goes on
 * (same request, one position further) keeps its slot if it is below the new batch size; the few beyond it
 * move into freed slots below it (`moves`: their targets are free slots, so the moves never overlap);
 * the other rows (joining, or back at a position that does not follow, like a request prefilled again
 * after a preemption) take the remaining slots and are gathered.
 */
export function planSlots(previousRows: readonly DecodeRowKey[], rows: readonly DecodeRowKey[]): SlotPlan {
  const previousSlot = new Map<RequestId, number>();
  previousRows.forEach((row, slot) => previousSlot.set(row.requestId, slot));
  const batch = rows.length;
  const slots = new Array<number>(batch).fill(-1);
  const taken = new Array<boolean>(batch).fill(false);
  const outside: number[] = []; // plan rows that go on from a slot ≥ batch
  const gathered: number[] = [];
  rows.forEach((row, index) => {
    const from = previousSlot.get(row.requestId);
    if (from === undefined || (previousRows[from] as DecodeRowKey).position + 1 !== row.position) gathered.push(index);
    else if (from < batch) { slots[index] = from; taken[from] = true; }
    else outside.push(index);
  });
  const free: number[] = [];
  for (let slot = batch - 1; slot >= 0; slot--) if (!taken[slot]) free.push(slot);
  const moves: RowMove[] = [];
  for (const index of outside) {
    const to = free.pop() as number;
    moves.push({ from: previousSlot.get((rows[index] as DecodeRowKey).requestId) as number, to });
    slots[index] = to;
  }
  for (const index of gathered) slots[index] = free.pop() as number;
  return { slots, moves, gathered };
}

/**
 * Chooses the layout of a decode step's past given the previous decode step. Rows keep the previous
 * length, so the ones that go on need no shift. When a joining row is longer than that length, or the
 * padding kept after long rows left would reach a block, everything is gathered afresh (which also
 * tightens the padding).
 */
export function planDecodePast(previous: PreviousDecode | undefined, rows: readonly DecodeRowKey[]): DecodePastLayout {
  let longest = 0;
  for (const row of rows) longest = Math.max(longest, row.position);
  const inPlanOrder = (): DecodePastLayout => ({ kind: 'gather', pastLength: longest, slots: rows.map((_, index) => index) });
  if (previous === undefined) return inPlanOrder();
  const pastLength = previous.totalLength;
  if (longest > pastLength || pastLength - longest >= BLOCK_SIZE) return inPlanOrder();
  return { kind: 'edit presents', pastLength, ...planSlots(previous.rows, rows) };
}
