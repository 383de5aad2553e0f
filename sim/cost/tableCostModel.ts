import { RaggedGrid, type GridPoint } from './gridInterpolation.js';
import { shapeForBasis, type PrefillCostBasis, type StepCostModel, type StepShape } from './stepShape.js';

/** A measured prefill point: one chunk of `chunk_tokens` slots attending to `context_tokens` positions. */
export interface PrefillProfilePoint {
  readonly chunk_tokens: number;
  readonly context_tokens: number;
  readonly seconds: number;
}

/** A measured decode point: `batch_size` rows padded to `tkv`. */
export interface DecodeProfilePoint {
  readonly batch_size: number;
  readonly tkv: number;
  readonly seconds: number;
}

/** A profile table: measured step times on a grid of shapes (what `spyre sim calibrate` writes). */
export interface ProfileTable {
  readonly prefill: readonly PrefillProfilePoint[];
  readonly decode: readonly DecodeProfilePoint[];
}

/** Step times read from a profile table by piecewise-linear interpolation (linear extrapolation off the grid). */
export class TableCostModel implements StepCostModel {
  private readonly prefill: RaggedGrid;
  private readonly decode: RaggedGrid;

  constructor(
    table: ProfileTable,
    readonly name = 'table',
    readonly basis: PrefillCostBasis = 'padded',
  ) {
    const prefillPoints: GridPoint[] = table.prefill.map((point) => ({ x: point.chunk_tokens, y: point.context_tokens, value: point.seconds }));
    const decodePoints: GridPoint[] = table.decode.map((point) => ({ x: point.batch_size, y: point.tkv, value: point.seconds }));
    this.prefill = new RaggedGrid(prefillPoints, 'cost_model.table.prefill');
    this.decode = new RaggedGrid(decodePoints, 'cost_model.table.decode');
  }

  stepLatencyS(stepShape: StepShape): number {
    const shape = shapeForBasis(stepShape, this.basis);
    const latencyS = shape.kind === 'prefill' ? this.prefill.valueAt(shape.chunkTokens, shape.contextTokens) : this.decode.valueAt(shape.batchSize, shape.tkv);
    return Math.max(latencyS, 0);
  }
}
