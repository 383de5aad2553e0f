import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { copyRequestIds } from '../../core/engine/generationRequest.js';
import type { GenerateParams, GenerationOutput } from '../../core/engine/generationTypes.js';
import type { ServerContext } from '../serverContext.js';

/** A request accepted by the engine: its id and the outputs to send, tracked for the metrics. */
export interface StartedGeneration {
  readonly requestId: string;
  readonly numPromptTokens: number;
  /** `n`: how many choices the answer has (the engine's copies, prefilled once). */
  readonly numChoices: number;
  readonly outputs: AsyncIterable<GenerationOutput>;
  /** True once the client went away (the request was aborted). */
  clientGone(): boolean;
}

/** Aborts when the client hangs up before its answer is complete (for work done before the engine sees the request). */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  const onClose = (): void => {
    if (!response.writableFinished) controller.abort();
  };
  response.once('close', onClose);
  if (response.socket === null || response.socket.destroyed) controller.abort();
  return controller.signal;
}

export function newRequestId(prefix: 'cmpl' | 'chatcmpl'): string {
  return `${prefix}-${randomUUID().replaceAll('-', '')}`;
}

/**
 * Queues the request (throws at once, before any byte is sent, when the engine refuses it) and ties it to
 * the connection: when the client disconnects before the answer is complete, the request is aborted at
 * once and its KV blocks are freed.
 */
export function startGeneration(context: ServerContext, reply: FastifyReply, requestId: string, promptIds: readonly number[], params: GenerateParams): StartedGeneration {
  const controller = new AbortController();
  const outputs = context.engine.generate({ promptTokenIds: promptIds }, params, { signal: controller.signal, requestId });
  const numChoices = params.n ?? 1;
  // The metrics follow each copy as a request, as vLLM's do its child requests; the prompt is prefilled
  // once (by copy 0), so only copy 0 has a queue and prefill time and counts its prompt tokens.
  const open = new Set<string>(copyRequestIds(requestId, numChoices));
  for (const copyId of open) context.tracker.onArrival(copyId, promptIds.length);
  if (context.logRequests) context.logger.info(`Received request ${requestId}: prompt tokens ${promptIds.length}, params: ${JSON.stringify(params)}.`);
  const response = reply.raw;
  const onClose = (): void => {
    if (!response.writableFinished) controller.abort();
  };
  response.on('close', onClose);
  // A client that left while its body was being read has already closed: abort at once.
  if (response.socket === null || response.socket.destroyed) controller.abort();
  const tracker = context.tracker;
  return {
    requestId,
    numPromptTokens: promptIds.length,
    numChoices,
    clientGone: () => controller.signal.aborted,
    outputs: {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const output of outputs) {
            tracker.onOutput(output.requestId, output);
            if (output.kind === 'final') open.delete(output.requestId);
            yield output;
          }
        } finally {
          for (const copyId of open) tracker.onAbandoned(copyId);
          response.off('close', onClose);
        }
      },
    },
  };
}
