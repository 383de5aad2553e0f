import { BLOCK_SIZE } from '../../src/core/contracts/ids.js';
import type { StepPlan } from '../../src/core/contracts/stepPlan.js';

/**
 * What a step's cost depends on, read off its plan. A prefill chunk has `chunkTokens` slots (the program's
 * fixed shape) and attends to `contextTokens` positions (its block table, left padding included); of its
 * slots, `validTokens` hold prompt tokens, after `pastTokens` prompt tokens of earlier chunks. A decode step
 * runs `batchSize` rows, each padded to `tkv` (rectangular padding).
 */
export type StepShape =
  | { readonly kind: 'prefill'; readonly chunkTokens: number; readonly contextTokens: number; readonly validTokens?: number; readonly pastTokens?: number }
  | { readonly kind: 'decode'; readonly batchSize: number; readonly tkv: number };

export function stepShapeOf(plan: StepPlan): StepShape {
  if (plan.kind === 'prefill') {
    return {
      kind: 'prefill',
      chunkTokens: plan.chunkSize,
      contextTokens: plan.blockTable.length * BLOCK_SIZE,
      validTokens: plan.endValidSlot - plan.firstValidSlot,
      pastTokens: plan.firstTokenIndex,
    };
  }
  return { kind: 'decode', batchSize: plan.rows.length, tkv: plan.tkv };
}

/**
 * What a backend pays for in a prefill chunk. `padded`: the whole fixed-shape program, padding included
 * (Spyre, and every compiled backend). `valid`: only the prompt tokens of the chunk over its real past (the
 * eager backend feeds valid tokens only). Decode steps cost by batch and tkv either way.
 */
export type PrefillCostBasis = 'padded' | 'valid';

/** The shape a cost model should price under `basis`: for `valid`, the chunk shrinks to its prompt tokens. */
export function shapeForBasis(shape: StepShape, basis: PrefillCostBasis): StepShape {
  if (basis === 'padded' || shape.kind !== 'prefill' || shape.validTokens === undefined) return shape;
  const past = shape.pastTokens ?? 0;
  return { kind: 'prefill', chunkTokens: shape.validTokens, contextTokens: past + shape.validTokens };
}

/** A step-time model: how long the device takes for one step, in seconds. Pure and deterministic. */
export interface StepCostModel {
  /** Shown in reports, e.g. `profile:spyre-illustrative` or `linear`. */
  readonly name: string;
  stepLatencyS(shape: StepShape): number;
}
