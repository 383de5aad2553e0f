// Request bodies of the pooling routes, in the shapes vLLM accepts (docs/pooling.md). Types and ranges
// only; the engine checks the rest (lengths against the warmup shapes, vocabulary, what the model does).
import { z } from 'zod';

const required = (what: string) => (issue: { input: unknown }): string => (issue.input === undefined ? 'is required' : `must be ${what}`);

/** `model` may be left out, as vLLM allows: the served model answers. */
const model = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).nullish();

const tokenId = z.number({ error: 'token ids must be integers' }).int({ error: 'token ids must be integers' }).min(0, { error: 'token ids must be >= 0' });
const tokenIds = z.array(tokenId).min(1, { error: 'must not be empty' });

/** string | string[] | token ids | lists of token ids: OpenAI's embeddings `input`. */
const pooledInput = z.union([z.string(), z.array(z.string()).min(1, { error: 'must not be empty' }), tokenIds, z.array(tokenIds).min(1, { error: 'must not be empty' })], {
  error: required('a string, a list of strings, a list of token ids or a list of lists of token ids'),
});

const encodingFormat = z.enum(['float', 'base64'], { error: "must be 'float' or 'base64'" }).nullish();

const poolingFields = {
  model,
  input: pooledInput,
  encoding_format: encodingFormat,
  truncate_prompt_tokens: z.number().int({ error: 'must be an integer' }).nullish(),
  user: z.string({ error: 'must be a string' }).nullish(),
};

/** POST /v1/embeddings. */
export const embeddingsRequestSchema = z.object({
  ...poolingFields,
  dimensions: z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).nullish(),
  normalize: z.boolean({ error: 'must be a boolean' }).nullish(),
});

/** POST /pooling: the model's raw output per input. */
export const poolingRequestSchema = z.object(poolingFields);

/** POST /classify. */
export const classifyRequestSchema = z.object({ model, input: pooledInput, truncate_prompt_tokens: poolingFields.truncate_prompt_tokens, user: poolingFields.user });

const textOrTexts = z.union([z.string(), z.array(z.string({ error: 'must hold strings' }))], { error: required('a string or a list of strings') });

/** POST /score and /v1/score: 1:1, 1:N (text_1 one string) or N:N (two lists of equal length). */
export const scoreRequestSchema = z.object({
  model,
  text_1: textOrTexts,
  text_2: textOrTexts,
  truncate_prompt_tokens: poolingFields.truncate_prompt_tokens,
  user: poolingFields.user,
});

/** POST /rerank, /v1/rerank and /v2/rerank. `top_n` 0 (the default) keeps every document, as in vLLM. */
export const rerankRequestSchema = z.object({
  model,
  query: z.string({ error: required('a string') }),
  documents: z.array(z.string({ error: 'must hold strings' }), { error: required('a list of strings') }),
  top_n: z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(0, { error: 'must be >= 0' }).nullish(),
  return_documents: z.boolean({ error: 'must be a boolean' }).nullish(),
  truncate_prompt_tokens: poolingFields.truncate_prompt_tokens,
  user: poolingFields.user,
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;
export type PoolingRequest = z.infer<typeof poolingRequestSchema>;
export type ClassifyRequest = z.infer<typeof classifyRequestSchema>;
export type ScoreRequest = z.infer<typeof scoreRequestSchema>;
export type RerankRequest = z.infer<typeof rerankRequestSchema>;
export type PooledInput = z.infer<typeof pooledInput>;
