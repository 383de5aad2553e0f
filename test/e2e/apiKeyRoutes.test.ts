// --api-key on every route each server registers (read from its own route table), through path spellings
// the router decodes or normalises (percent-encoding, %2F, double and trailing slashes, '..', case, a
// query), sent verbatim over node:http: without the right key only PUBLIC_ROUTES answer, everything else
// (a spelling that matches no route included) is a 401 in OpenAI's error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES } from '../../src/server/security/publicRoutes.js';
import { routeTable, type RouteEntry } from '../../src/server/security/routeTable.js';
import type { RunningPoolingServer } from '../../src/server/serve/startServe.js';
import { startPoolingRig, type PoolingRig } from './support/poolingRig.js';
import { rawRequest } from './support/rawHttp.js';
import { startServerRig, type ServerRig } from './support/serverRig.js';

const API_KEY = 'route-secret';
const KEYS: Readonly<Record<string, Record<string, string>>> = {
  'no key': {},
  'a wrong key': { authorization: 'Bearer not-the-key' },
  'the right key': { authorization: `Bearer ${API_KEY}` },
};

const encodeChar = (c: string): string => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Spellings of one concrete path; the first is the path itself. */
function spellings(path: string): string[] {
  const afterFirstSlash = path.slice(1);
  return [
    path,
    path.replace(/[a-z0-9]/i, encodeChar),
    path.replace(/[a-z0-9]/gi, encodeChar),
    path.replace(/\d/g, encodeChar),
    `/${afterFirstSlash.replaceAll('/', '%2F')}`,
    `/${afterFirstSlash.replaceAll('/', '%2f')}`,
    path.replaceAll('/', '//'),
    `/${path}`,
    `${path}/`,
    `/x/..${path}`,
    `${path}/../${afterFirstSlash.split('/').at(-1) ?? ''}`,
    `/.${path}`,
    path.toUpperCase(),
    path.replace(/[a-z]/, (c) => c.toUpperCase()),
    `${path}?x=%2F&api_key=${API_KEY}`,
    `${path}%00`,
    `${path}#frag`,
  ];
}

const concrete = (url: string): string => url.replace(/:[^/]+/g, 'x').replace(/\*/g, 'x');

function checkRoutes(name: string, target: () => { baseUrl: string; routes: readonly RouteEntry[] }): void {
  describe(`having the ${name} server with --api-key`, () => {
    it('should have registered routes beyond the public ones', () => {
      const routes = target().routes;
      expect(routes.some((route) => !PUBLIC_ROUTES.has(route.url))).toBe(true);
      expect(routes.some((route) => PUBLIC_ROUTES.has(route.url))).toBe(true);
    });

    it('when every route is sent in every spelling with each key, should answer 401 to all but the public routes without the right key', { timeout: 60_000 }, async () => {
      const { baseUrl, routes } = target();
      const failures: string[] = [];
      for (const route of routes) {
        const body = route.method === 'GET' || route.method === 'HEAD' ? undefined : '{}';
        for (const [index, path] of spellings(concrete(route.url)).entries()) {
          for (const [keyName, headers] of Object.entries(KEYS)) {
            const answer = await rawRequest(baseUrl, route.method, path, headers, body);
            const tag = `${route.method} ${path} with ${keyName}: ${answer.status} ${answer.body.slice(0, 120)}`;
            if (answer.status >= 500) failures.push(`5xx: ${tag}`);
            if (keyName === 'the right key') {
              if (answer.status === 401) failures.push(`refused the right key: ${tag}`);
              if (index === 0 && answer.status === 404) failures.push(`the route itself is missing: ${tag}`);
              continue;
            }
            if (answer.status === 401) {
              if (route.method === 'HEAD') continue;
              const error = (JSON.parse(answer.body) as { error?: { type?: string; param?: string } }).error;
              if (error?.type !== 'authentication_error' || error.param !== 'authorization') failures.push(`401 without OpenAI's error shape: ${tag}`);
              continue;
            }
            const publicAnswer = PUBLIC_ROUTES.has(route.url) && answer.status < 300;
            if (!publicAnswer) failures.push(`answered without the key: ${tag}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });
}

describe('API key on every registered route', () => {
  let rig: ServerRig;
  let poolingRig: PoolingRig;
  let pooling: RunningPoolingServer;

  beforeAll(async () => {
    rig = await startServerRig({ flags: { apiKey: API_KEY }, env: { VLLM_SERVER_DEV_MODE: '1' } });
    poolingRig = await startPoolingRig({
      servedModelName: 'tiny-embed',
      flags: { apiKey: API_KEY },
      env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '2', VLLM_SERVER_DEV_MODE: '1' },
    });
    pooling = poolingRig.running;
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
    await poolingRig?.close();
  });

  checkRoutes('generation', () => ({ baseUrl: rig.baseUrl, routes: routeTable(rig.server.app) }));
  checkRoutes('pooling', () => ({ baseUrl: pooling.url, routes: routeTable(pooling.server.app) }));

  describe('having VLLM_SERVER_DEV_MODE=1', () => {
    it('should register POST /reset_prefix_cache on both servers', () => {
      expect(routeTable(rig.server.app)).toContainEqual({ method: 'POST', url: '/reset_prefix_cache' });
      expect(routeTable(pooling.server.app)).toContainEqual({ method: 'POST', url: '/reset_prefix_cache' });
    });
  });
});
