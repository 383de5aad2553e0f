// Reused input arrays of one program shape, filled from a step plan. No allocation per step.
import { BLOCK_SIZE } from '../../core/contracts/ids.js';
import type { DecodeBatchPlan, PrefillChunkPlan } from '../../core/contracts/stepPlan.js';
import type { SendnnProgramShape, SendnnRunInputs } from './sendnnTypes.js';

interface MutableRunInputs {
  numRows: number;
  numContextBlocks: number;
  readonly tokenIds: Int32Array;
  readonly positions: Int32Array;
  readonly slotMask: Uint8Array;
  readonly blockTables: Int32Array;
  readonly slotBlocks: Int32Array;
  readonly rowInfo: Int32Array;
  readonly logits: Float32Array;
}

export class RunBuffers {
  private readonly inputs: MutableRunInputs;

  constructor(
    readonly shape: SendnnProgramShape,
    vocabSize: number,
  ) {
    const rows = shape.batchSize;
    const slots = rows * shape.numSlots;
    this.inputs = {
      numRows: rows,
      numContextBlocks: 0,
      tokenIds: new Int32Array(slots),
      positions: new Int32Array(slots),
      slotMask: new Uint8Array(slots),
      blockTables: new Int32Array(rows * (shape.maxContext / BLOCK_SIZE)),
      slotBlocks: new Int32Array(rows * Math.ceil(shape.numSlots / BLOCK_SIZE)),
      rowInfo: new Int32Array(rows * 3),
      logits: new Float32Array(rows * vocabSize),
    };
  }

  /** One chunk: slot s is virtual position chunkIndex*C + s; the context starts after the left padding. */
  fillPrefill(plan: PrefillChunkPlan): SendnnRunInputs {
    const x = this.inputs;
    const chunkSize = this.shape.numSlots;
    const chunkStart = plan.chunkIndex * chunkSize;
    x.numContextBlocks = Math.max(plan.blockTable.length, (chunkStart + chunkSize) / BLOCK_SIZE);
    x.tokenIds.fill(0);
    x.positions.fill(0);
    x.slotMask.fill(0);
    x.blockTables.fill(0, 0, x.numContextBlocks);
    for (let s = plan.firstValidSlot; s < plan.endValidSlot; s++) {
      x.tokenIds[s] = plan.tokenIds[s] as number;
      x.positions[s] = plan.firstTokenIndex + s - plan.firstValidSlot;
      x.slotMask[s] = 1;
    }
    plan.blockTable.forEach((block, i) => (x.blockTables[i] = block));
    plan.slotBlocks.forEach((block, i) => (x.slotBlocks[i] = block));
    x.rowInfo[0] = plan.paddingBlocks * BLOCK_SIZE;
    x.rowInfo[1] = chunkStart;
    x.rowInfo[2] = plan.isLastChunk ? plan.endValidSlot - 1 : -1;
    return x;
  }

  /** One token per row; rows beyond the plan's are padding (mask 0, writes to block 0). */
  fillDecode(plan: DecodeBatchPlan): SendnnRunInputs {
    const x = this.inputs;
    let numContextBlocks = 1;
    for (const row of plan.rows) numContextBlocks = Math.max(numContextBlocks, row.blockTable.length);
    x.numContextBlocks = numContextBlocks;
    x.slotMask.fill(0);
    x.blockTables.fill(0, 0, x.numRows * numContextBlocks);
    x.slotBlocks.fill(0);
    x.rowInfo.fill(0);
    plan.rows.forEach((row, r) => {
      const contextStart = row.paddingBlocks * BLOCK_SIZE;
      x.tokenIds[r] = row.tokenId;
      x.positions[r] = row.position;
      x.slotMask[r] = 1;
      row.blockTable.forEach((block, i) => (x.blockTables[r * numContextBlocks + i] = block));
      x.slotBlocks[r] = row.blockTable[row.paddingBlocks + Math.floor(row.position / BLOCK_SIZE)] ?? 0;
      x.rowInfo[3 * r] = contextStart;
      x.rowInfo[3 * r + 1] = contextStart + row.position;
      x.rowInfo[3 * r + 2] = 0;
    });
    for (let r = plan.rows.length; r < x.numRows; r++) x.rowInfo[3 * r + 2] = -1;
    return x;
  }
}
