import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FinishReason } from '../../core/contracts/requests.js';
import type { GenerationOutput } from '../../core/engine/generationTypes.js';
import { engineLogprobs, LogprobsFormatter, mergeCompletionLogprobs, type CompletionLogprobs } from '../openai/logprobsFormat.js';
import { toGenerateParams } from '../openai/generateParams.js';
import { choiceIndexOf, ChoicesUsage, collectChoices } from '../openai/choices.js';
import { createdNowS } from '../openai/usage.js';
import { PREPARED_BODY_ROUTE } from '../body/largeJsonBody.js';
import type { PreparedCompletion } from '../body/generationPreparers.js';
import type { ServerContext } from '../serverContext.js';
import { clientGoneSignal, newRequestId, startGeneration, type StartedGeneration } from './generation.js';
import { SseWriter } from './sse.js';

interface CompletionChoice {
  readonly index: number;
  readonly text: string;
  readonly logprobs: CompletionLogprobs | null;
  readonly finish_reason: FinishReason | null;
  /** vLLM's: the stop string matched or the stop token id; null for EOS, length, and while the request runs. */
  readonly stop_reason: string | number | null;
}

function choice(index: number, text: string, logprobs: CompletionLogprobs | null, finishReason: FinishReason | null, stopReason: string | number | null = null): CompletionChoice {
  return { index, text, logprobs, finish_reason: finishReason, stop_reason: stopReason };
}

interface LogprobsRequest {
  /** One per choice: each counts its own text offsets. */
  readonly formatters: readonly LogprobsFormatter[];
  readonly topN: number;
}

function deltaLogprobs(output: GenerationOutput, wanted: LogprobsRequest | undefined): CompletionLogprobs | null {
  if (wanted === undefined || output.kind !== 'delta' || output.logprobs === undefined) return null;
  return wanted.formatters[choiceIndexOf(output)]!.completion(output.tokenIds, output.logprobs, wanted.topN);
}

async function streamCompletion(started: StartedGeneration, request: PreparedCompletion['request'], reply: FastifyReply, formatter: LogprobsRequest | undefined, model: string): Promise<void> {
  const sse = new SseWriter(reply);
  const base = { id: started.requestId, object: 'text_completion', created: createdNowS(), model };
  const includeUsage = request.stream_options?.include_usage === true;
  const usageField = includeUsage ? { usage: null } : {};
  const usage = new ChoicesUsage();
  try {
    for await (const output of started.outputs) {
      if (!sse.isOpen) continue;
      const index = choiceIndexOf(output);
      if (output.kind === 'delta') {
        const logprobs = deltaLogprobs(output, formatter);
        // A chunk per token, even when its text is still held back (an incomplete UTF-8 sequence): as vLLM
        // streams, so a client times every token.
        if (output.text !== '' || output.tokenIds.length > 0 || logprobs !== null) sse.send({ ...base, choices: [choice(index, output.text, logprobs, null)], ...usageField });
      } else {
        sse.send({ ...base, choices: [choice(index, '', null, output.finishReason, output.stopReason ?? null)], ...usageField });
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

async function completeAtOnce(started: StartedGeneration, formatter: LogprobsRequest | undefined, model: string): Promise<unknown> {
  const { finals, parts, usage } = await collectChoices(started.outputs, started.numChoices, (output) => {
    const logprobs = deltaLogprobs(output, formatter);
    return logprobs === null ? [] : [logprobs];
  });
  return {
    id: started.requestId,
    object: 'text_completion',
    created: createdNowS(),
    model,
    choices: finals.map((final, index) =>
      choice(index, final.text, formatter !== undefined ? mergeCompletionLogprobs(parts[index]!) : null, final.finishReason, final.stopReason ?? null),
    ),
    usage,
  };
}

/** POST /v1/completions. */
export function registerCompletionsRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/v1/completions', PREPARED_BODY_ROUTE, async (httpRequest, reply) => {
    // Parsed, checked and tokenized where the body was parsed (a large one on the body worker).
    const { request, promptIds } = await context.bodies.prepare('completion', httpRequest.body, clientGoneSignal(reply));
    const topN = request.logprobs ?? undefined;
    const params = toGenerateParams(request, request.max_tokens, engineLogprobs(topN));
    const numChoices = params.n ?? 1;
    const formatter = topN !== undefined ? { formatters: Array.from({ length: numChoices }, () => new LogprobsFormatter(context.engine.codec)), topN } : undefined;
    const started = startGeneration(context, reply, newRequestId('cmpl'), promptIds, params);
    if (request.stream === true) return streamCompletion(started, request, reply, formatter, request.model);
    return completeAtOnce(started, formatter, request.model);
  });
}
