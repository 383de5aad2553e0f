// A route's body, prepared where it was parsed: a small body (parsed inline by the JSON parser) runs the
// route's preparation here; a LargeJsonBody goes to the body worker as its bytes, and the worker parses it
// and runs the same preparation, so only the route's compact result (or its error) comes back.
import type { TokenizerJobFailure } from '../../tokenizer/worker/tokenizerJob.js';
import type { TokenizerWorkerPool } from '../../tokenizer/worker/tokenizerWorkerPool.js';
import { ApiError, type ApiErrorKind } from '../errors/apiError.js';
import { clientClosed } from '../openai/frontendTokenizer.js';
import { parseJsonBody } from './jsonBody.js';
import { LargeJsonBody } from './largeJsonBody.js';

/** The server's body worker: the tokenizer worker's jobs plus every route's `prepare`. */
export const BODY_WORKER_ENTRY = new URL('./bodyWorker.ts', import.meta.url);

/** One route's preparation: the parsed body → what the route needs next; throws the route's 400s. */
export type BodyPreparation<Env, Tokenizer, Prepared> = (body: unknown, env: Env, tokenizer: Tokenizer, signal?: AbortSignal) => Promise<Prepared>;

/** The errors a preparation throws on the worker, rebuilt on the main thread: ApiError and fastify's body errors. */
export function reviveBodyFailure(failure: TokenizerJobFailure): Error | undefined {
  const fields = failure.fields ?? {};
  if (failure.name === 'ApiError' && typeof fields['kind'] === 'string') {
    return new ApiError(fields['kind'] as ApiErrorKind, failure.message, typeof fields['param'] === 'string' ? fields['param'] : null);
  }
  if (typeof fields['code'] === 'string' && fields['code'].startsWith('FST_')) return Object.assign(new Error(failure.message), { name: failure.name, code: fields['code'], statusCode: fields['statusCode'] });
  return undefined;
}

export class BodyPreparer<Env, Tokenizer, Preparations extends Record<string, BodyPreparation<Env, Tokenizer, unknown>>> {
  /** `pool`: a pool running BODY_WORKER_ENTRY; without one (a test's codec) large bodies are parsed here. */
  constructor(
    private readonly preparations: Preparations,
    private readonly env: Env,
    private readonly tokenizer: Tokenizer,
    private readonly pool: TokenizerWorkerPool | undefined,
  ) {}

  /** Body worker threads alive now (the worker starts with the first large body). */
  get numLiveWorkers(): number {
    return this.pool?.numLiveWorkers ?? 0;
  }

  async prepare<Route extends keyof Preparations & string>(route: Route, body: unknown, signal: AbortSignal): Promise<Awaited<ReturnType<Preparations[Route]>>> {
    type Prepared = Awaited<ReturnType<Preparations[Route]>>;
    if (body instanceof LargeJsonBody) {
      if (this.pool !== undefined) return (await this.pool.prepare(route, body.bytes, this.env, { signal }).catch(clientClosed)) as Prepared;
      return (await this.preparations[route]!(parseJsonBody(body.bytes.toString('utf8')), this.env, this.tokenizer, signal)) as Prepared;
    }
    return (await this.preparations[route]!(body, this.env, this.tokenizer, signal)) as Prepared;
  }
}
