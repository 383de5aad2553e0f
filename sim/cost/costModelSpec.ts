import { z } from 'zod';
import { HARDWARE_PROFILE_NAMES, type HardwareProfileName } from './hardwareProfiles.js';

const seconds = z.number().finite();
const positiveInt = z.number().int().positive();

export const linearCoefficientsSchema = z.strictObject({
  fixed_s: seconds.default(0),
  prefill_s: seconds.default(0),
  prefill_per_token_s: seconds.default(0),
  prefill_per_token_context_s: seconds.default(0),
  decode_s: seconds.default(0),
  decode_per_seq_s: seconds.default(0),
  decode_per_seq_tkv_s: seconds.default(0),
});

const prefillPointSchema = z.strictObject({ chunk_tokens: positiveInt, context_tokens: positiveInt, seconds: z.number().nonnegative() });
const decodePointSchema = z.strictObject({ batch_size: positiveInt, tkv: positiveInt, seconds: z.number().nonnegative() });

export const profileTableSchema = z.strictObject({
  prefill: z.array(prefillPointSchema).min(1),
  decode: z.array(decodePointSchema).min(1),
});

/**
 * The table of a calibration profile file: empty when the profile was fitted from real runs, whose scattered
 * step shapes are no grid to interpolate (only its linear fit is usable then).
 */
export const profileFileTableSchema = z.strictObject({
  prefill: z.array(prefillPointSchema),
  decode: z.array(decodePointSchema),
});

/**
 * What a prefill chunk costs by (see `basis` below).
 */
export const prefillCostBasisSchema = z.enum(['padded', 'valid']);

/**
 * `cost_model` of a scenario: a named hardware profile, a device profile priced by the roofline, linear
 * coefficients, a profile table, or a profile file written by `spyre sim calibrate` (its fitted linear model
 * by default, or its measured table).
 * `basis` says what a prefill chunk costs by: `padded` (its whole fixed-shape program: Spyre) or `valid`
 * (its prompt tokens only: the eager backend). A profile file carries the basis of the backend it measured.
 */
export const costModelSpecSchema = z.union([
  z.strictObject({ profile: z.enum(HARDWARE_PROFILE_NAMES as [HardwareProfileName, ...HardwareProfileName[]]) }),
  /** The roofline of src/device/stepTime over a device profile: a name or file as SPYRE_DEVICE_PROFILE takes (a file relative to the scenario). */
  z.strictObject({ device: z.string().min(1) }),
  z.strictObject({ linear: linearCoefficientsSchema, basis: prefillCostBasisSchema.default('padded') }),
  z.strictObject({ table: profileTableSchema, basis: prefillCostBasisSchema.default('padded') }),
  z.strictObject({ file: z.string().min(1), use: z.enum(['linear', 'table']).default('linear'), basis: prefillCostBasisSchema.optional() }),
]);

export type CostModelSpec = z.infer<typeof costModelSpecSchema>;

/** The cost model of a scenario that names none. */
export const DEFAULT_COST_MODEL_SPEC: CostModelSpec = { profile: 'spyre-illustrative' };
