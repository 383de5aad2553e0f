import { z } from 'zod';
import { samplingFields } from './samplingFields.js';

const textPart = z.object({ type: z.literal('text', { error: "only 'text' content parts are supported" }), text: z.string() });

/** The chat roles vLLM's OpenAI server accepts. */
export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool', 'developer'] as const;

const message = z.object({
  role: z.string({ error: 'must be a string' }).refine((role) => (CHAT_ROLES as readonly string[]).includes(role), {
    error: (issue) => `'${String(issue.input)}' is not a chat role; use one of ${CHAT_ROLES.join(', ')}`,
  }),
  content: z.union([z.string(), z.array(textPart), z.null()], { error: 'must be a string or a list of text parts' }).optional(),
});

/** POST /v1/chat/completions: chat turns rendered with the model's chat template. */
export const chatRequestSchema = z.object({
  ...samplingFields,
  messages: z.array(message, { error: (issue) => (issue.input === undefined ? 'is required' : 'must be a list of messages') }).min(1, { error: 'must hold at least one message' }),
  max_completion_tokens: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).nullish(),
  logprobs: z.boolean({ error: 'must be a boolean' }).nullish(),
  top_logprobs: z.number().int({ error: 'must be an integer' }).min(0, { error: 'must be from 0 to 20' }).max(20, { error: 'must be from 0 to 20' }).nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
