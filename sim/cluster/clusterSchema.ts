import { z } from 'zod';

const positiveInt = z.number().int().positive();
const weight = z.number().finite().nonnegative();

/** The endpoint picker's scorer plugins (gateway-api-inference-extension), by their plugin `type` names. */
export const SCORER_TYPES = ['queue-scorer', 'kv-cache-utilization-scorer', 'prefix-cache-scorer'] as const;
export type ScorerType = (typeof SCORER_TYPES)[number];

/**
 * `prefix-cache-scorer` parameters, named as in its plugin config. The simulator hashes token ids, not
 * characters, so `blockSize` counts tokens; with `autoTune` (the default) the block size and each replica's
 * LRU capacity come from its scraped `vllm:cache_config_info` (block_size, num_gpu_blocks), as the plugin does.
 */
export const prefixCacheParametersSchema = z.strictObject({
  autoTune: z.boolean().default(true),
  blockSize: positiveInt.default(64),
  maxPrefixBlocksToMatch: positiveInt.default(256),
  lruCapacityPerServer: positiveInt.default(31250),
});

export const scorerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('queue-scorer'), weight: weight.default(1) }),
  z.strictObject({ type: z.literal('kv-cache-utilization-scorer'), weight: weight.default(1) }),
  z.strictObject({ type: z.literal('prefix-cache-scorer'), weight: weight.default(1), parameters: prefixCacheParametersSchema.default(prefixCacheParametersSchema.parse({})) }),
]);

export const ROUTER_POLICIES = ['round_robin', 'least_requests', 'endpoint_picker'] as const;
export type RouterPolicyName = (typeof ROUTER_POLICIES)[number];

/**
 * The endpoint picker's default scheduling profile (the inference extension's default plugins config):
 * queue-scorer 2, kv-cache-utilization-scorer 2, prefix-cache-scorer 3, then max-score-picker.
 */
export const DEFAULT_SCORERS: readonly z.infer<typeof scorerSchema>[] = [
  { type: 'queue-scorer', weight: 2 },
  { type: 'kv-cache-utilization-scorer', weight: 2 },
  { type: 'prefix-cache-scorer', weight: 3, parameters: prefixCacheParametersSchema.parse({}) },
];

/**
 * `router` of a scenario. `round_robin` and `least_requests` (HAProxy's `balance roundrobin` / `leastconn`,
 * which counts the router's own open connections) need nothing from the replicas; `endpoint_picker` scores
 * replicas from their Prometheus metrics, scraped every `scrape_interval_s` (the picker's default 50 ms).
 */
export const routerSchema = z
  .strictObject({
    policy: z.enum(ROUTER_POLICIES),
    scrape_interval_s: z.number().finite().positive().default(0.05),
    scorers: z.array(scorerSchema).min(1).optional(),
    /** Seed of the max-score-picker's tie-break among equally scored replicas. */
    seed: z.number().int().nonnegative().default(0),
  })
  .superRefine((router, context) => {
    if (router.scorers !== undefined && router.policy !== 'endpoint_picker') {
      context.addIssue({ code: 'custom', path: ['scorers'], message: `only the endpoint_picker policy takes scorers (policy is ${router.policy}); remove scorers or set policy to endpoint_picker` });
    }
    if (router.scorers !== undefined && router.scorers.every((scorer) => scorer.weight === 0)) {
      context.addIssue({ code: 'custom', path: ['scorers'], message: 'every scorer weight is 0: give at least one scorer a positive weight' });
    }
  });

/**
 * `replicas` of a scenario, built over the scenario's own config schemas (passed in, so this file needs no
 * import of the scenario schema): a count of identical replicas, or groups each with a count and what it
 * changes of the scenario's `config` (merged over it, `env` merged key by key) and `cost_model` (replaced),
 * so mixed fleets work.
 */
export function replicasSchemaOver<C extends z.ZodObject, M extends z.ZodType>(configSchema: C, costModelSchema: M) {
  // A group's config says only what it changes: the scenario config's defaults (model, env) must not
  // reappear in it and override the scenario's own values.
  const changes = Object.fromEntries(Object.entries(configSchema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional()]));
  const group = z.strictObject({
    count: positiveInt.default(1),
    /** Shown in reports; default `replica-<index>`. */
    name: z.string().min(1).optional(),
    config: z.strictObject(changes).optional(),
    cost_model: costModelSchema.optional(),
  });
  return z.union([positiveInt, z.array(group).min(1)]);
}

export type RouterSpec = z.infer<typeof routerSchema>;
export type ScorerSpec = z.infer<typeof scorerSchema>;
export type PrefixCacheParameters = z.infer<typeof prefixCacheParametersSchema>;
