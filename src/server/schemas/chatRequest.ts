import { z } from 'zod';
import { samplingFields } from './samplingFields.js';

const textPart = z.object({ type: z.literal('text', { error: "only 'text' content parts are supported" }), text: z.string() });

/** The chat roles vLLM's OpenAI server accepts. */
export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool', 'developer'] as const;

const message = z.object({
  // An enum, not a refined string: half the cost per message, and a chat body can hold 100,000 of them.
  role: z.enum(CHAT_ROLES, {
    error: (issue) => (typeof issue.input === 'string' ? `'${issue.input}' is not a chat role; use one of ${CHAT_ROLES.join(', ')}` : 'must be a string'),
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
