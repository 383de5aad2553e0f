import { shapeForBasis, type PrefillCostBasis, type StepCostModel, type StepShape } from './stepShape.js';

/**
 * Coefficients of the linear step-time model, in seconds:
 * - every step: `fixed_s`;
 * - a prefill chunk of C slots attending to K positions adds `prefill_s + prefill_per_token_s·C + prefill_per_token_context_s·C·K`;
 * - a decode of B rows padded to tkv adds `decode_s + decode_per_seq_s·B + decode_per_seq_tkv_s·B·tkv` (with
 *   rectangular padding every row attends to tkv positions, so attention cost follows B·tkv, not the sum of
 *   true lengths). `decode_s` (default 0) lets a decode step's fixed cost differ from a prefill's.
 */
export interface LinearCostCoefficients {
  readonly fixed_s: number;
  readonly prefill_s: number;
  readonly prefill_per_token_s: number;
  readonly prefill_per_token_context_s: number;
  readonly decode_s?: number;
  readonly decode_per_seq_s: number;
  readonly decode_per_seq_tkv_s: number;
}

/** Coefficient names in feature order. */
export const LINEAR_COEFFICIENT_NAMES = [
  'fixed_s',
  'prefill_s',
  'prefill_per_token_s',
  'prefill_per_token_context_s',
  'decode_s',
  'decode_per_seq_s',
  'decode_per_seq_tkv_s',
] as const satisfies readonly (keyof LinearCostCoefficients)[];

export const NUM_LINEAR_FEATURES = LINEAR_COEFFICIENT_NAMES.length;

/** Writes the step's feature row (the multipliers of each coefficient) into `out`. */
export function linearFeatures(shape: StepShape, out: Float64Array): Float64Array {
  out.fill(0);
  out[0] = 1;
  if (shape.kind === 'prefill') {
    out[1] = 1;
    out[2] = shape.chunkTokens;
    out[3] = shape.chunkTokens * shape.contextTokens;
  } else {
    out[4] = 1;
    out[5] = shape.batchSize;
    out[6] = shape.batchSize * shape.tkv;
  }
  return out;
}

export function coefficientsFromVector(vector: ArrayLike<number>): Required<LinearCostCoefficients> {
  const entries = LINEAR_COEFFICIENT_NAMES.map((name, index) => [name, vector[index] ?? 0] as const);
  return Object.freeze(Object.fromEntries(entries)) as unknown as Required<LinearCostCoefficients>;
}

export class LinearCostModel implements StepCostModel {
  private readonly vector: Float64Array;
  private readonly features = new Float64Array(NUM_LINEAR_FEATURES);

  constructor(
    readonly coefficients: LinearCostCoefficients,
    readonly name = 'linear',
    readonly basis: PrefillCostBasis = 'padded',
  ) {
    this.vector = Float64Array.from(LINEAR_COEFFICIENT_NAMES.map((key) => coefficients[key] ?? 0));
  }

  stepLatencyS(shape: StepShape): number {
    const features = linearFeatures(shapeForBasis(shape, this.basis), this.features);
    let latencyS = 0;
    for (let index = 0; index < NUM_LINEAR_FEATURES; index++) latencyS += features[index]! * this.vector[index]!;
    // A fitted model can dip below zero far outside its grid; time never runs backwards.
    return Math.max(latencyS, 0);
  }
}
