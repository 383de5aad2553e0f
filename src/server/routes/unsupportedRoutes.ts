import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/apiError.js';

/** A POST route and the API name vLLM's refusal uses for it. */
export interface ApiRoute {
  readonly path: string;
  readonly api: string;
  /** Appended to vLLM's text: what to serve instead. */
  readonly hint?: string;
}

/** What a pooling model cannot serve. */
export const GENERATION_ROUTES: readonly ApiRoute[] = [
  { path: '/v1/completions', api: 'Completions API' },
  { path: '/v1/chat/completions', api: 'Chat Completions API' },
  { path: '/detokenize', api: 'Detokenization API' },
];

/** /tokenize, refused only when a pooling model's tokenizer is not at hand. */
export const TOKENIZE_ROUTE: ApiRoute = { path: '/tokenize', api: 'Tokenization API' };

/** How to serve a model that answers pooling routes, for a client that reached a generative server. */
export const SERVE_POOLING_HINT =
  'this server runs a generative model; serve an embedding (or cross-encoder) model for it: `spyre serve <dir>` of a BERT-style encoder picks the pooling runner from its config.json (`spyre model build --preset tiny-embed` writes one)';

/** What a generative model cannot serve. */
export const POOLING_ROUTES: readonly ApiRoute[] = [
  { path: '/v1/embeddings', api: 'Embeddings API' },
  { path: '/score', api: 'Score API' },
  { path: '/v1/score', api: 'Score API' },
  { path: '/rerank', api: 'Rerank (Score) API' },
  { path: '/v1/rerank', api: 'Rerank (Score) API' },
  { path: '/v2/rerank', api: 'Rerank (Score) API' },
  { path: '/pooling', api: 'Pooling API' },
  { path: '/classify', api: 'Classification API' },
].map((route) => ({ ...route, hint: SERVE_POOLING_HINT }));

/**
 * Routes of the other kind of model answer 400 with vLLM's text ("The model does not support Completions
 * API"), so that a client pointed at the wrong server learns why instead of getting a bare 404.
 */
export function registerUnsupportedRoutes(app: FastifyInstance, routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    app.post(route.path, async () => {
      throw new ApiError('invalid_request', `The model does not support ${route.api}${route.hint === undefined ? '' : `: ${route.hint}`}`);
    });
  }
}

/** Every API route a task serves: a server refuses, with vLLM's text, the ones its route plugins did not register. */
export const API_ROUTES: readonly ApiRoute[] = [...GENERATION_ROUTES, TOKENIZE_ROUTE, ...POOLING_ROUTES];
