import type { FastifyInstance } from 'fastify';
import { PREPARED_BODY_ROUTE } from '../body/largeJsonBody.js';
import type { ServerContext } from '../serverContext.js';
import { clientGoneSignal } from './generation.js';

/** POST /tokenize and /detokenize, in vLLM's shapes: the whole answer is the body's preparation (src/server/body/generationPreparers.ts). */
export function registerTokenizeRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/tokenize', PREPARED_BODY_ROUTE, async (httpRequest, reply) => context.bodies.prepare('tokenize', httpRequest.body, clientGoneSignal(reply)));
  app.post('/detokenize', PREPARED_BODY_ROUTE, async (httpRequest, reply) => context.bodies.prepare('detokenize', httpRequest.body, clientGoneSignal(reply)));
}
