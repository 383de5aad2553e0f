import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/apiError.js';
import { PUBLIC_ROUTES } from './publicRoutes.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `--api-key`: every route but PUBLIC_ROUTES needs `Authorization: Bearer <key>`. Decided on the route
 * fastify matched (after it decoded the path), so no spelling of a path (percent-encoding, case, slashes)
 * reaches a protected handler; a path that matches no route has no pattern and needs the key too, so a
 * 404 tells nothing to a caller without it.
 */
export function requireApiKey(app: FastifyInstance, apiKey: string): void {
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined && PUBLIC_ROUTES.has(route)) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header);
    if (match?.[1] === undefined) throw new ApiError('unauthorized', "Missing API key: send the header 'Authorization: Bearer <key>'.", 'authorization');
    if (!sameSecret(match[1].trim(), apiKey)) throw new ApiError('unauthorized', "Incorrect API key provided in the 'Authorization' header.", 'authorization');
  });
}
