import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/apiError.js';

/** Routes a draining server still answers as usual: a router keeps scraping its metrics until it exits. */
const ANSWERED_WHILE_DRAINING = new Set(['/metrics', '/version']);

/**
 * Graceful drain: once the server stops, it keeps listening until its running requests finish, but `/health`
 * answers 503 (a router's health check takes the replica out) and every new request is refused with 503
 * (a router retries it on another replica). Registered after `--api-key`, so a bad key still gets its 401.
 */
export function refuseWhileDraining(app: FastifyInstance, isDraining: () => boolean): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!isDraining()) return;
    // The route that will run, not the URL text (the same rule as --api-key's).
    const path = request.routeOptions.url ?? '';
    if (ANSWERED_WHILE_DRAINING.has(path)) return;
    if (path === '/health') return reply.code(503).send();
    throw new ApiError('draining', 'The server is draining before it stops and takes no new requests; send the request to another replica.');
  });
}

/** Resolves once `unfinished()` is 0, polling every `pollMs` (the grace timer aborts whatever is left). */
export async function untilIdle(unfinished: () => number, pollMs = 10): Promise<void> {
  while (unfinished() > 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
}
