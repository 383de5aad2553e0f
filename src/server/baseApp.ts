import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../core/contracts/logger.js';
import { registerJsonBodyParser } from './body/largeJsonBody.js';
import { requireApiKey } from './security/requireApiKey.js';
import { recordRoutes } from './security/routeTable.js';
import { ApiError } from './errors/apiError.js';
import { toHttpError } from './errors/openAiError.js';

export interface BaseAppOptions {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly apiKey: string | undefined;
}

/**
 * The fastify app every served model starts from: the body limit, OpenAI's error shape for every error
 * (statuses from HTTP_ERROR_TABLE), the JSON body parser (large bodies left to their route's worker), a 404 for unknown routes and `--api-key` on every route but the public ones.
 */
export function createBaseApp(options: BaseAppOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes, forceCloseConnections: 'idle' });
  recordRoutes(app);
  registerJsonBodyParser(app);
  app.setErrorHandler((error, _request, reply) => {
    const answer = toHttpError(error);
    // 503 (draining) is the expected answer of a stopping replica, not a fault.
    if (answer.status >= 500 && answer.status !== 503) options.logger.error(`${answer.body.error.message}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
    return reply.code(answer.status).send(answer.body);
  });
  app.setNotFoundHandler((request) => {
    throw new ApiError('route_not_found', `No route ${request.method} ${request.url}.`);
  });
  if (options.apiKey !== undefined) requireApiKey(app, options.apiKey);
  return app;
}
