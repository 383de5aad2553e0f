import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { EngineError } from '../../../core/contracts/errors.js';
import type { PoolingInput } from '../../../core/scheduler/pooling/poolingResults.js';
import { ApiError } from '../../errors/apiError.js';
import type { PoolingServerContext } from '../../poolingServerContext.js';
import type { PooledInput } from '../../schemas/poolingRequests.js';
import { requireServedModel, type ServedModelNames } from '../../openai/servedModel.js';

export type PoolingIdPrefix = 'embd' | 'pool' | 'classify' | 'score' | 'rerank';

/** vLLM's usage object on pooling answers: no completion tokens. */
export interface PoolingUsage {
  readonly prompt_tokens: number;
  readonly total_tokens: number;
  readonly completion_tokens: 0;
}

export function poolingUsage(results: readonly { readonly promptTokens: number }[]): PoolingUsage {
  const promptTokens = results.reduce((sum, result) => sum + result.promptTokens, 0);
  return { prompt_tokens: promptTokens, total_tokens: promptTokens, completion_tokens: 0 };
}

/** The fields every pooling request may carry: the model (optional, as in vLLM) and what we refuse. */
export function checkCommonFields(context: ServedModelNames, request: { readonly model?: string | null | undefined; readonly truncate_prompt_tokens?: number | null | undefined }): string {
  if (typeof request.model === 'string') requireServedModel(context, request.model);
  if (request.truncate_prompt_tokens !== undefined && request.truncate_prompt_tokens !== null) {
    throw new ApiError('invalid_request', "'truncate_prompt_tokens': truncation is not supported; every input must fit a warmup shape.", 'truncate_prompt_tokens');
  }
  return request.model ?? context.config.servedModelName;
}

/** OpenAI's `input` (one text, texts, one list of ids, lists of ids) → one engine input per item. */
export function toPoolingInputs(input: PooledInput): readonly PoolingInput[] {
  if (typeof input === 'string') return [input];
  if (typeof input[0] === 'number') return [input as readonly number[]];
  return input as readonly (string | readonly number[])[];
}

/** A pooling call that reached the engine: its id and what the engine answered. */
export interface AnsweredCall<Result> {
  readonly requestId: string;
  readonly results: readonly Result[];
}

/**
 * Runs one engine call for an HTTP request: an id, the metrics, the request log line, and an AbortSignal
 * tied to the connection (a client that leaves removes its inputs that have not started). The engine's
 * refusals (`invalid_request`) keep their text and get `param` as the field at fault.
 */
export async function runPoolingCall<Result extends { readonly promptTokens: number }>(
  context: PoolingServerContext,
  reply: FastifyReply,
  prefix: PoolingIdPrefix,
  numInputs: number,
  param: string | null,
  call: (signal: AbortSignal) => Promise<readonly Result[]>,
): Promise<AnsweredCall<Result>> {
  const requestId = `${prefix}-${randomUUID().replaceAll('-', '')}`;
  const controller = new AbortController();
  const response = reply.raw;
  const onClose = (): void => {
    if (!response.writableFinished) controller.abort();
  };
  response.on('close', onClose);
  if (response.socket === null || response.socket.destroyed) controller.abort();
  if (context.logRequests) context.logger.info(`Received request ${requestId}: ${numInputs} input(s).`);
  const ticket = context.metrics.onArrival(requestId, numInputs);
  try {
    const results = await call(controller.signal);
    context.metrics.onAnswered(ticket, results.map((result) => result.promptTokens));
    return { requestId, results };
  } catch (error) {
    context.metrics.onFailed(ticket, controller.signal.aborted);
    if (controller.signal.aborted) throw new ApiError('client_closed', `The client closed the connection before request ${requestId} was answered.`);
    if (error instanceof EngineError && error.kind === 'invalid_request') throw new ApiError('invalid_request', error.message, param);
    throw error;
  } finally {
    response.off('close', onClose);
  }
}
