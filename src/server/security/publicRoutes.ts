/**
 * The routes served without `--api-key`: probes, version and the Prometheus scrape. Every other route, and
 * every path that matches no route, needs the key. Compared with fastify's matched route pattern
 * (`request.routeOptions.url`), never with the request's URL text.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/health', '/ping', '/version', '/metrics']);
