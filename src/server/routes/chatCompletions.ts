import type { FastifyInstance, FastifyReply } from 'fastify';
import type { GenerationOutput } from '../../core/engine/generationTypes.js';
import { ApiError } from '../errors/apiError.js';
import { toGenerateParams } from '../openai/generateParams.js';
import { engineLogprobs, LogprobsFormatter, type ChatTokenLogprob } from '../openai/logprobsFormat.js';
import { choiceIndexOf, ChoicesUsage, collectChoices } from '../openai/choices.js';
import { createdNowS } from '../openai/usage.js';
import { PREPARED_BODY_ROUTE } from '../body/largeJsonBody.js';
import type { PreparedChat } from '../body/generationPreparers.js';
import type { ServerContext } from '../serverContext.js';
import { clientGoneSignal, newRequestId, startGeneration, type StartedGeneration } from './generation.js';
import { SseWriter } from './sse.js';

interface ChatLogprobsRequest {
  readonly formatter: LogprobsFormatter;
  readonly topN: number;
}

function deltaLogprobs(output: GenerationOutput, wanted: ChatLogprobsRequest | undefined): ChatTokenLogprob[] | undefined {
  if (wanted === undefined || output.kind !== 'delta' || output.logprobs === undefined) return undefined;
  return wanted.formatter.chat(output.tokenIds, output.logprobs, wanted.topN);
}

async function streamChat(started: StartedGeneration, request: PreparedChat['request'], reply: FastifyReply, wanted: ChatLogprobsRequest | undefined, model: string): Promise<void> {
  const sse = new SseWriter(reply);
  const base = { id: started.requestId, object: 'chat.completion.chunk', created: createdNowS(), model };
  const includeUsage = request.stream_options?.include_usage === true;
  const usageField = includeUsage ? { usage: null } : {};
  // vLLM opens every choice with its role.
  for (let index = 0; index < started.numChoices; index++) {
    sse.send({ ...base, choices: [{ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], ...usageField });
  }
  const usage = new ChoicesUsage();
  try {
    for await (const output of started.outputs) {
      if (!sse.isOpen) continue;
      const index = choiceIndexOf(output);
      if (output.kind === 'delta') {
        const content = deltaLogprobs(output, wanted);
        if (output.text === '' && content === undefined) continue;
        sse.send({ ...base, choices: [{ index, delta: { content: output.text }, logprobs: content ? { content } : null, finish_reason: null }], ...usageField });
      } else {
        // As vLLM: only each choice's last chunk carries stop_reason (the stop string or stop token id; null for EOS or length).
        sse.send({ ...base, choices: [{ index, delta: {}, logprobs: null, finish_reason: output.finishReason, stop_reason: output.stopReason ?? null }], ...usageField });
        usage.add(output);
      }
    }
    // After every choice has ended: the prompt once, every choice's completion tokens.
    if (includeUsage) sse.send({ ...base, choices: [], usage: usage.toOpenAi() });
  } catch (error) {
    sse.sendError(error);
  }
  sse.end();
}

async function chatAtOnce(started: StartedGeneration, wanted: ChatLogprobsRequest | undefined, model: string): Promise<unknown> {
  const { finals, parts, usage } = await collectChoices(started.outputs, started.numChoices, (output): ChatTokenLogprob[] => deltaLogprobs(output, wanted) ?? []);
  return {
    id: started.requestId,
    object: 'chat.completion',
    created: createdNowS(),
    model,
    choices: finals.map((final, index) => ({
      index,
      message: { role: 'assistant', content: final.text },
      logprobs: wanted ? { content: parts[index]! } : null,
      finish_reason: final.finishReason,
      stop_reason: final.stopReason ?? null,
    })),
    usage,
  };
}

/** POST /v1/chat/completions. */
export function registerChatCompletionsRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/v1/chat/completions', PREPARED_BODY_ROUTE, async (httpRequest, reply) => {
    // Parsed, checked, templated and tokenized where the body was parsed (a large one on the body worker).
    const { request, promptIds } = await context.bodies.prepare('chat', httpRequest.body, clientGoneSignal(reply));
    const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
    const topN = request.logprobs === true ? (request.top_logprobs ?? 0) : undefined;
    if (request.logprobs !== true && request.top_logprobs !== undefined && request.top_logprobs !== null && request.top_logprobs > 0) {
      throw new ApiError('invalid_request', "'top_logprobs': needs 'logprobs': true.", 'top_logprobs');
    }
    const params = toGenerateParams(request, maxTokens, engineLogprobs(topN));
    const wanted = topN !== undefined ? { formatter: new LogprobsFormatter(context.engine.codec), topN } : undefined;
    const started = startGeneration(context, reply, newRequestId('chatcmpl'), promptIds, params);
    if (request.stream === true) return streamChat(started, request, reply, wanted, request.model);
    return chatAtOnce(started, wanted, request.model);
  });
}
