import type { FastifyInstance } from 'fastify';
import { createBaseApp } from './baseApp.js';
import type { RoutePlugin } from './routePlugin.js';
import { registerInfoRoutes } from './routes/infoRoutes.js';
import { API_ROUTES, registerUnsupportedRoutes } from './routes/unsupportedRoutes.js';
import { routeTable } from './security/routeTable.js';
import { DEFAULT_BODY_LIMIT_BYTES, type ServingContext, type ServingOptions } from './servingContext.js';

/**
 * The one server base: the fastify app (errors in OpenAI's shape, auth on the matched route, the body
 * limit), the route plugins of the served tasks, the common routes (/v1/models, /health, /ping, /version,
 * /metrics, /reset_prefix_cache) read from the first plugin (vLLM serves one model per server), and vLLM's
 * "does not support" refusal on every API route no plugin registered. Not listening: the caller listens,
 * or injects requests in tests.
 */
export function createServingApp(serving: ServingContext, options: Pick<ServingOptions, 'bodyLimitBytes'>, plugins: readonly [RoutePlugin<unknown>, ...RoutePlugin<unknown>[]]): FastifyInstance {
  const app = createBaseApp({ logger: serving.logger, bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, apiKey: serving.config.apiKey });
  for (const plugin of plugins) plugin.register(app);
  const [served] = plugins;
  registerInfoRoutes(app, { ...serving, stats: () => served.stats(), resetPrefixCache: () => served.resetPrefixCache() });
  const registered = new Set(routeTable(app).filter((route) => route.method === 'POST').map((route) => route.url));
  registerUnsupportedRoutes(app, API_ROUTES.filter((route) => !registered.has(route.path)));
  return app;
}

/** A server over one task's routes, not listening; `context` is what its routes read. */
export interface ServingServer<Context> {
  readonly app: FastifyInstance;
  readonly context: Context;
}

/** The server base over one route plugin (vLLM's one model per server). */
export function servePlugin<Context extends ServingContext>(plugin: RoutePlugin<Context>, options: Pick<ServingOptions, 'bodyLimitBytes'>): ServingServer<Context> {
  return { app: createServingApp(plugin.context, options, [plugin]), context: plugin.context };
}
