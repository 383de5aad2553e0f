import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EngineError } from '../../src/core/contracts/errors.js';
import { linearCoefficientsSchema, prefillCostBasisSchema, profileFileTableSchema } from './costModelSpec.js';
import type { ProfileTable } from './tableCostModel.js';

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
  /** Medians per probed shape (grid calibration); empty for a profile fitted from real runs. */
  table: profileFileTableSchema,
  /** A fit by inverse simulation to a recording: the bootstrap ranges and the residual per summary figure. */
  recording_fit: z.strictObject({
    simulations: z.number().int(),
    bootstrap: z.strictObject({
      resamples: z.number().int(),
      seed: z.number().int(),
      ranges: z.record(z.string(), z.strictObject({ p5: z.number(), p50: z.number(), p95: z.number() })),
    }).optional(),
    figures: z.record(z.string(), z.strictObject({ recorded_s: z.number(), simulated_s: z.number(), relative_error: z.number() })),
  }).optional(),
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

/** A profile's measured table, for `use: table`; a profile without one (fitted from real runs) is refused by name. */
export function tableOfProfile(profile: CalibrationProfile, path: string): ProfileTable {
  if (profile.table.prefill.length === 0 || profile.table.decode.length === 0) {
    throw new EngineError(
      'invalid_scenario',
      `The cost profile ${path} ('${profile.name}') has no measured table: a profile fitted from real runs keeps only its linear fit (its step shapes are not a grid to interpolate). Use it with "use": "linear" (or --cost-model without :table, --use linear).`,
    );
  }
  return profile.table;
}
