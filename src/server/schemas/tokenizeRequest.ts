import { z } from 'zod';

/** POST /tokenize: a prompt, or chat messages rendered with the chat template (vLLM's shape). */
export const tokenizeRequestSchema = z.union([
  z.object({ model: z.string().nullish(), prompt: z.string({ error: 'must be a string' }), add_special_tokens: z.boolean().nullish() }),
  z.object({
    model: z.string().nullish(),
    messages: z.array(z.object({ role: z.string(), content: z.string() })).min(1),
    add_generation_prompt: z.boolean().nullish(),
  }),
], { error: "needs 'prompt' (a string) or 'messages' (a list of {role, content})" });

/** POST /detokenize. */
export const detokenizeRequestSchema = z.object({
  model: z.string().nullish(),
  tokens: z.array(z.number().int().min(0), { error: (issue) => (issue.input === undefined ? 'is required' : 'must be a list of token ids') }),
});
