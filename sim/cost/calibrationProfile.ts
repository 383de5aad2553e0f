import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EngineError } from '../../src/core/contracts/errors.js';
import { linearCoefficientsSchema, prefillCostBasisSchema, profileTableSchema } from './costModelSpec.js';

export const CALIBRATION_PROFILE_FORMAT = 'spyre-sim-profile/1';

/** What `spyre sim calibrate` writes: the measured table and the linear model fitted to it. */
export const calibrationProfileSchema = z.strictObject({
  format: z.literal(CALIBRATION_PROFILE_FORMAT),
  name: z.string(),
  executor: z.string(),
  repeats: z.number().int().positive(),
  /** What the measured backend's prefill costs by (see PrefillCostBasis). */
  basis: prefillCostBasisSchema,
  linear: linearCoefficientsSchema,
  fit: z.strictObject({ rms_residual_s: z.number(), r_squared: z.number(), num_samples: z.number().int() }),
  table: profileTableSchema,
});

export type CalibrationProfile = z.infer<typeof calibrationProfileSchema>;

export function loadCalibrationProfile(path: string): CalibrationProfile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EngineError('invalid_scenario', `Cannot read the cost profile ${path}: ${(error as Error).message}`);
  }
  const parsed = calibrationProfileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('\n');
    throw new EngineError('invalid_scenario', `The cost profile ${path} is not a ${CALIBRATION_PROFILE_FORMAT} file:\n${problems}`);
  }
  return parsed.data;
}
