import { BLOCK_SIZE } from '../../src/core/contracts/ids.js';
import type { StepPlan } from '../../src/core/contracts/stepPlan.js';

/**
 * What a step's cost depends on, read off its plan. A prefill chunk always runs `chunkTokens` slots (the
 * program has a fixed shape) and attends to `contextTokens` positions (its block table, left padding
 * included). A decode step runs `batchSize` rows, each padded to `tkv` (rectangular padding).
 */
export type StepShape =
  | { readonly kind: 'prefill'; readonly chunkTokens: number; readonly contextTokens: number }
  | { readonly kind: 'decode'; readonly batchSize: number; readonly tkv: number };

export function stepShapeOf(plan: StepPlan): StepShape {
  if (plan.kind === 'prefill') return { kind: 'prefill', chunkTokens: plan.chunkSize, contextTokens: plan.blockTable.length * BLOCK_SIZE };
  return { kind: 'decode', batchSize: plan.rows.length, tkv: plan.tkv };
}

/** A step-time model: how long the device takes for one step, in seconds. Pure and deterministic. */
export interface StepCostModel {
  /** Shown in reports, e.g. `profile:spyre-illustrative` or `linear`. */
  readonly name: string;
  stepLatencyS(shape: StepShape): number;
}
