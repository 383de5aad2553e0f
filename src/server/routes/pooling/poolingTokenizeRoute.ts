import type { FastifyInstance } from 'fastify';
import { POOLING_PREPARED_BODY_ROUTE } from '../../body/largeJsonBody.js';
import type { PoolingServerContext } from '../../poolingServerContext.js';
import { clientGoneSignal } from '../generation.js';

/**
 * POST /tokenize on a pooling model: `{prompt}` → the ids the engine would run (special tokens included,
 * as the model's tokenizer adds them). Chat messages are refused: encoders have no chat template. The
 * whole answer is the body's preparation (src/server/body/poolingPreparers.ts).
 */
export function registerPoolingTokenizeRoute(app: FastifyInstance, context: PoolingServerContext): void {
  app.post('/tokenize', POOLING_PREPARED_BODY_ROUTE, async (httpRequest, reply) => context.bodies.prepare('poolingTokenize', httpRequest.body, clientGoneSignal(reply)));
}
