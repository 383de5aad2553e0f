// The message loop of a tokenizer worker (its boot script already lowered the thread's priority): one job
// per message, answered with the handler's value or with the error it threw described as plain data (so
// the main thread can raise the same class). Shared by the plain tokenizer worker and the server's body worker.
import { parentPort } from 'node:worker_threads';
import { EngineError } from '../../core/contracts/errors.js';
import type { TokenizerJobAnswer, TokenizerJobFailure, TokenizerJobMessage } from './tokenizerJob.js';

/** Own primitive fields an error class carries (ApiError's kind and param, fastify's code and statusCode). */
const CARRIED_FIELDS = ['kind', 'param', 'code', 'statusCode'] as const;

export function describeFailure(error: unknown): TokenizerJobFailure {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields: Record<string, string | number | null> = {};
  for (const key of CARRIED_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number' || value === null) fields[key] = value;
  }
  return { name: error.name, message: error.message, ...(error instanceof EngineError ? { engineErrorKind: error.kind } : {}), fields };
}

/** The value a job answers and what of it to transfer rather than copy. */
export interface JobValue {
  readonly answer: Omit<TokenizerJobAnswer, 'jobId'>;
  readonly transfer?: readonly ArrayBuffer[];
}

/** Runs `handle` for every job the main thread posts, one at a time, in arrival order. */
export function answerJobs(handle: (job: TokenizerJobMessage['job']) => JobValue | Promise<JobValue>): void {
  let chain = Promise.resolve();
  parentPort?.on('message', ({ jobId, job }: TokenizerJobMessage) => {
    chain = chain.then(async () => {
      let value: JobValue;
      try {
        value = await handle(job);
      } catch (error) {
        value = { answer: { failure: describeFailure(error) } };
      }
      parentPort?.postMessage({ jobId, ...value.answer }, [...(value.transfer ?? [])]);
    });
  });
}
