import type { EngineConfig } from '../core/contracts/config.js';
import type { PoolingTextEncoder } from '../core/contracts/pooling.js';
import type { PoolingEngine } from '../core/engine/poolingEngine.js';
import { servePlugin, type ServingServer } from './createServingApp.js';
import type { PoolingServerContext } from './poolingServerContext.js';
import { poolingRoutes } from './routes/pooling/poolingRoutes.js';
import { servingContext, type ServingOptions } from './servingContext.js';

export type SpyrePoolingServer = ServingServer<PoolingServerContext>;

/** `textEncoder`: the model's tokenizer, for /tokenize (without it, /tokenize is refused). */
export type CreatePoolingServerOptions = ServingOptions & { readonly textEncoder?: PoolingTextEncoder };

/** The HTTP server over a pooling engine: the server base with the pooling routes; the generation routes answer vLLM's "does not support" 400. */
export function createPoolingServer(engine: PoolingEngine, config: EngineConfig, options: CreatePoolingServerOptions = {}): SpyrePoolingServer {
  return servePlugin(poolingRoutes(engine, servingContext(config, options), options.textEncoder), options);
}
