import { z } from 'zod';
import { arrivalProcessSchema } from './arrivalProcess.js';
import { lengthDistributionSchema } from './lengthDistribution.js';

/** A generated workload (SPEC §8): arrivals, prompt and output lengths, optional shared-prefix groups. */
export const generatorWorkloadSchema = z.strictObject({
  num_requests: z.number().int().positive(),
  seed: z.number().int().nonnegative().default(0),
  arrival: arrivalProcessSchema,
  prompt_len: lengthDistributionSchema,
  output_len: lengthDistributionSchema,
  /** Every request starts with one of `groups` shared prefixes of `length` tokens, then `prompt_len` of its own (as vLLM's random dataset adds its prefix). */
  shared_prefix: z.strictObject({ groups: z.number().int().positive(), length: z.number().int().positive() }).optional(),
});

/** A recorded workload: JSONL, one request per line (see traceWorkload.ts). `time_scale` multiplies its arrival times. */
export const traceWorkloadSchema = z.strictObject({
  trace: z.string().min(1),
  time_scale: z.number().positive().default(1),
});

export const workloadSpecSchema = z.union([generatorWorkloadSchema, traceWorkloadSchema]);

export type GeneratorWorkloadSpec = z.infer<typeof generatorWorkloadSchema>;
export type TraceWorkloadSpec = z.infer<typeof traceWorkloadSchema>;
export type WorkloadSpec = z.infer<typeof workloadSpecSchema>;
