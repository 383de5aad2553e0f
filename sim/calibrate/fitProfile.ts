import { CALIBRATION_PROFILE_FORMAT, type CalibrationProfile } from '../cost/calibrationProfile.js';
import { fitLeastSquares } from '../cost/leastSquares.js';
import { coefficientsFromVector, LINEAR_COEFFICIENT_NAMES, linearFeatures, NUM_LINEAR_FEATURES, type LinearCostCoefficients } from '../cost/linearCostModel.js';
import { shapeForBasis, type PrefillCostBasis, type StepShape } from '../cost/stepShape.js';
import { median } from '../report/percentiles.js';
import type { ProfileSample } from './profileExecutor.js';

/** Samples of the same shape (as the basis prices it) pooled: the table holds one median per shape. */
function pooledByShape(samples: readonly ProfileSample[], basis: PrefillCostBasis): { shape: StepShape; runsS: number[] }[] {
  const pooled = new Map<string, { shape: StepShape; runsS: number[] }>();
  for (const sample of samples) {
    const shape = shapeForBasis(sample.shape, basis);
    const key = shape.kind === 'prefill' ? `p:${shape.chunkTokens}:${shape.contextTokens}` : `d:${shape.batchSize}:${shape.tkv}`;
    const entry = pooled.get(key) ?? { shape, runsS: [] };
    entry.runsS.push(...sample.runsS);
    pooled.set(key, entry);
  }
  return [...pooled.values()];
}

const PREFILL_INTERCEPT = LINEAR_COEFFICIENT_NAMES.indexOf('prefill_s');
const DECODE_INTERCEPT = LINEAR_COEFFICIENT_NAMES.indexOf('decode_s');

/**
 * Every step is a prefill or a decode, so `fixed_s` equals `prefill_s + decode_s` as a column: the fit
 * leaves it out and estimates the two intercepts on their own (a decode step's fixed cost need not be a
 * prefill's), then reports their common part as `fixed_s` and the rest as `prefill_s` / `decode_s`.
 */
function withCommonIntercept(vector: Float64Array, hasPrefill: boolean, hasDecode: boolean): Required<LinearCostCoefficients> {
  const full = Float64Array.from([0, ...vector]);
  const common = hasPrefill && hasDecode ? Math.min(full[PREFILL_INTERCEPT] as number, full[DECODE_INTERCEPT] as number) : 0;
  full[0] = common;
  full[PREFILL_INTERCEPT] = (full[PREFILL_INTERCEPT] as number) - common;
  full[DECODE_INTERCEPT] = (full[DECODE_INTERCEPT] as number) - common;
  return coefficientsFromVector(full);
}

/**
 * Fits the linear step-time model to measured samples by (non-negative, unless asked otherwise) least squares (every timed run is one
 * observation, so noisy shapes weigh as much as they were measured) and keeps the medians as a table.
 * Shapes are read under the backend's prefill cost basis, as the simulator will price them.
 */
export function fitProfile(
  samples: readonly ProfileSample[],
  meta: { readonly name: string; readonly executor: string; readonly repeats: number; readonly basis: PrefillCostBasis; readonly nonNegative?: boolean },
): CalibrationProfile {
  const rows: Float64Array[] = [];
  const targets: number[] = [];
  const pooled = pooledByShape(samples, meta.basis);
  for (const { shape, runsS } of pooled) {
    for (const seconds of runsS) {
      rows.push(linearFeatures(shape, new Float64Array(NUM_LINEAR_FEATURES)).subarray(1)); // all but fixed_s
      targets.push(seconds);
    }
  }
  // Non-negative by default: no step term can cost negative time.
  const fit = fitLeastSquares(rows, targets, { nonNegative: meta.nonNegative ?? true });
  const kinds = new Set(pooled.map(({ shape }) => shape.kind));
  const table = {
    prefill: pooled.flatMap(({ shape, runsS }) => (shape.kind === 'prefill' ? [{ chunk_tokens: shape.chunkTokens, context_tokens: shape.contextTokens, seconds: median(runsS) }] : [])),
    decode: pooled.flatMap(({ shape, runsS }) => (shape.kind === 'decode' ? [{ batch_size: shape.batchSize, tkv: shape.tkv, seconds: median(runsS) }] : [])),
  };
  return {
    format: CALIBRATION_PROFILE_FORMAT,
    name: meta.name,
    executor: meta.executor,
    repeats: meta.repeats,
    basis: meta.basis,
    linear: withCommonIntercept(fit.coefficients, kinds.has('prefill'), kinds.has('decode')),
    fit: { rms_residual_s: fit.rmsResidual, r_squared: fit.rSquared, num_samples: rows.length },
    table,
  };
}
