import type { FastifyInstance } from 'fastify';

/**
 * Answers sent while the server stops carry `Connection: close`. Without it, a keep-alive connection whose
 * request finished after close() began turns idle but stays open, and close() waits for it until the
 * grace period ends (fastify closes idle connections only once, when close() starts).
 */
export function closeConnectionsWhenStopping(app: FastifyInstance, isStopping: () => boolean): void {
  app.addHook('onSend', async (_request, reply) => {
    if (isStopping()) reply.header('connection', 'close');
  });
}
