import { CALIBRATION_PROFILE_FORMAT, type CalibrationProfile } from '../cost/calibrationProfile.js';
import { fitLeastSquares } from '../cost/leastSquares.js';
import { coefficientsFromVector, linearFeatures, NUM_LINEAR_FEATURES } from '../cost/linearCostModel.js';
import type { PrefillCostBasis } from '../cost/stepShape.js';
import type { ProfileSample } from './profileExecutor.js';

/**
 * Fits the linear step-time model to measured samples by least squares (every timed run is one
 * observation, so noisy shapes weigh as much as they were measured) and keeps the medians as a table.
 */
export function fitProfile(samples: readonly ProfileSample[], meta: { readonly name: string; readonly executor: string; readonly repeats: number; readonly basis: PrefillCostBasis }): CalibrationProfile {
  const rows: Float64Array[] = [];
  const targets: number[] = [];
  for (const sample of samples) {
    for (const seconds of sample.runsS) {
      rows.push(linearFeatures(sample.shape, new Float64Array(NUM_LINEAR_FEATURES)));
      targets.push(seconds);
    }
  }
  const fit = fitLeastSquares(rows, targets);
  const table = {
    prefill: samples.flatMap((sample) => (sample.shape.kind === 'prefill' ? [{ chunk_tokens: sample.shape.chunkTokens, context_tokens: sample.shape.contextTokens, seconds: sample.seconds }] : [])),
    decode: samples.flatMap((sample) => (sample.shape.kind === 'decode' ? [{ batch_size: sample.shape.batchSize, tkv: sample.shape.tkv, seconds: sample.seconds }] : [])),
  };
  return {
    format: CALIBRATION_PROFILE_FORMAT,
    name: meta.name,
    executor: meta.executor,
    repeats: meta.repeats,
    basis: meta.basis,
    linear: coefficientsFromVector(fit.coefficients),
    fit: { rms_residual_s: fit.rmsResidual, r_squared: fit.rSquared, num_samples: rows.length },
    table,
  };
}
