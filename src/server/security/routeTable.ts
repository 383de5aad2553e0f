import type { FastifyInstance } from 'fastify';

/** One registered route: its method and fastify's path pattern. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

const TABLES = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Records every route registered on `app` from now on, for {@link routeTable}. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  TABLES.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.push({ method, url: route.url });
  });
}

/** The routes the server registered: what the auth tests walk, so a route added later is covered. */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  return TABLES.get(app) ?? [];
}
