import { z } from 'zod';

const stopSchema = z.union([z.string().min(1, { error: 'must be a non-empty string' }), z.array(z.string().min(1, { error: 'must hold non-empty strings' })).max(16)]);

/**
 * Fields the completions and chat routes share: vLLM's sampling parameters as OpenAI's API spells them.
 * Only the type and range of each field is checked here; the engine checks the rest (prompt length …).
 * Unknown fields are dropped, as vLLM does.
 */
export const samplingFields = {
  model: z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).min(1, { error: 'must not be empty' }),
  max_tokens: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).nullish(),
  min_tokens: z.number().int({ error: 'must be an integer' }).min(0, { error: 'must be >= 0' }).nullish(),
  temperature: z.number().min(0, { error: 'must be >= 0' }).nullish(),
  top_p: z.number().gt(0, { error: 'must be in (0, 1]' }).lte(1, { error: 'must be in (0, 1]' }).nullish(),
  top_k: z.number().int({ error: 'must be an integer' }).min(-1, { error: 'must be -1, 0 or positive' }).nullish(),
  min_p: z.number().min(0, { error: 'must be in [0, 1]' }).max(1, { error: 'must be in [0, 1]' }).nullish(),
  seed: z.number().int({ error: 'must be an integer' }).nullish(),
  repetition_penalty: z.number().gt(0, { error: 'must be > 0' }).nullish(),
  presence_penalty: z.number().min(-2, { error: 'must be in [-2, 2]' }).max(2, { error: 'must be in [-2, 2]' }).nullish(),
  frequency_penalty: z.number().min(-2, { error: 'must be in [-2, 2]' }).max(2, { error: 'must be in [-2, 2]' }).nullish(),
  stop: stopSchema.nullish(),
  stop_token_ids: z.array(z.number().int().min(0)).nullish(),
  include_stop_str_in_output: z.boolean().nullish(),
  ignore_eos: z.boolean().nullish(),
  n: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).nullish(),
  best_of: z.number().int({ error: 'must be an integer' }).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  prompt_logprobs: z.number().int().nullish(),
  cache_salt: z.string().nullish(),
  user: z.string().nullish(),
};
