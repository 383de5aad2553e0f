import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors/apiError.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `--api-key`: every /v1 route needs `Authorization: Bearer <key>` (as vLLM: /health, /metrics and the
 * other operational routes stay open, so probes and scrapers need no secret).
 */
export function requireApiKey(app: FastifyInstance, apiKey: string): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1')) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header);
    if (match?.[1] === undefined) throw new ApiError('unauthorized', "Missing API key: send the header 'Authorization: Bearer <key>'.", 'authorization');
    if (!sameSecret(match[1].trim(), apiKey)) throw new ApiError('unauthorized', "Incorrect API key provided in the 'Authorization' header.", 'authorization');
  });
}
