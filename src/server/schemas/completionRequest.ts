import { z } from 'zod';
import { samplingFields } from './samplingFields.js';

const tokenIds = z.array(z.number().int({ error: 'token ids must be integers' }).min(0, { error: 'token ids must be >= 0' }));

/** POST /v1/completions: a prompt as text or token ids (one prompt per request). */
export const completionRequestSchema = z.object({
  ...samplingFields,
  // Ids before texts: a union tries its options in order, and a failed option costs an issue per element.
  prompt: z.union([z.string(), tokenIds, z.array(z.string()), z.array(tokenIds)], {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string, a list of strings, a list of token ids or a list of lists of token ids'),
  }),
  logprobs: z.number().int({ error: 'must be an integer' }).min(0, { error: 'must be from 0 to 20' }).max(20, { error: 'must be from 0 to 20' }).nullish(),
  echo: z.boolean().nullish(),
  suffix: z.string().nullish(),
});

export type CompletionRequest = z.infer<typeof completionRequestSchema>;
