import { z } from 'zod';
import { samplingFields } from './samplingFields.js';

const textPart = z.object({ type: z.literal('text', { error: "only 'text' content parts are supported" }), text: z.string() });

const message = z.object({
  role: z.string({ error: 'must be a string' }).min(1),
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
