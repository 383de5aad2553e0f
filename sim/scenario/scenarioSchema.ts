import { z } from 'zod';
import { replicasSchemaOver, routerSchema } from '../cluster/clusterSchema.js';
import { costModelSpecSchema } from '../cost/costModelSpec.js';
import { workloadSpecSchema } from '../workload/workloadSchema.js';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** `{"length": n, "seed": s}`: a deterministic pseudo-random prompt of n tokens. */
export const generatedPromptSchema = z.strictObject({ length: positiveInt, seed: nonNegativeInt.default(0) });

export const scenarioRequestSchema = z
  .strictObject({
    id: z.union([z.string().min(1), z.number().int()]).transform(String),
    arrival_step: nonNegativeInt.optional(),
    arrival_time: z.number().nonnegative().optional(),
    prompt: z.union([z.array(nonNegativeInt).min(1), generatedPromptSchema]),
    max_tokens: positiveInt.optional(),
    min_tokens: nonNegativeInt.optional(),
    ignore_eos: z.boolean().default(false),
    output_tokens: z.array(nonNegativeInt).optional(),
    cache_salt: z.string().optional(),
  })
  .refine((request) => !(request.arrival_step !== undefined && request.arrival_time !== undefined), {
    message: 'give either arrival_step or arrival_time, not both',
  });

/** Engine config of a scenario: the CLI flags in snake_case plus an `env` map, and `num_blocks` for tests. */
export const scenarioConfigSchema = z.strictObject({
  model: z.string().default('scenario'),
  served_model_name: z.string().optional(),
  max_model_len: positiveInt.optional(),
  max_num_seqs: positiveInt.optional(),
  max_num_batched_tokens: positiveInt.optional(),
  enable_prefix_caching: z.boolean().optional(),
  tensor_parallel_size: positiveInt.optional(),
  num_gpu_blocks_override: positiveInt.optional(),
  num_blocks: z.number().int().min(2).optional(),
  seed: nonNegativeInt.optional(),
  task: z.enum(['generate', 'embed', 'score', 'classify']).optional(),
  /** Default true. false: requests reach the engine core directly, past SPEC §1.4's padded-length check (vLLM's EngineCore.add_request). */
  frontend_validation: z.boolean().optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
});

export const scenarioSchema = z.strictObject({
  config: scenarioConfigSchema.default({ model: 'scenario', env: {} }),
  requests: z.array(scenarioRequestSchema).optional(),
  /** A generated or recorded workload, instead of `requests` (timed runs only). */
  workload: workloadSpecSchema.optional(),
  /** The step-time model of timed runs (sim/cost); `spyre-illustrative` when absent. */
  cost_model: costModelSpecSchema.optional(),
  /** A fleet of replicas behind `router` (sim/cluster); absent: one engine. */
  replicas: replicasSchemaOver(scenarioConfigSchema, costModelSpecSchema).optional(),
  router: routerSchema.optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioRequest = z.infer<typeof scenarioRequestSchema>;
export type ScenarioConfig = z.infer<typeof scenarioConfigSchema>;
