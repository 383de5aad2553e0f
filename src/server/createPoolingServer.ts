import type { FastifyInstance } from 'fastify';
import type { EngineConfig } from '../core/contracts/config.js';
import type { PoolingTextEncoder } from '../core/contracts/pooling.js';
import type { PoolingEngine } from '../core/engine/poolingEngine.js';
import { createServingApp } from './createServingApp.js';
import type { PoolingServerContext } from './poolingServerContext.js';
import { poolingRoutes } from './routes/pooling/poolingRoutes.js';
import { servingContext, type ServingOptions } from './servingContext.js';

export interface CreatePoolingServerOptions extends ServingOptions {
  /** The model's tokenizer, for /tokenize (without it, /tokenize is refused). */
  readonly textEncoder?: PoolingTextEncoder;
}

export interface SpyrePoolingServer {
  readonly app: FastifyInstance;
  readonly context: PoolingServerContext;
}

/** The HTTP server over a pooling engine: the server base with the pooling routes; the generation routes answer vLLM's "does not support" 400. */
export function createPoolingServer(engine: PoolingEngine, config: EngineConfig, options: CreatePoolingServerOptions = {}): SpyrePoolingServer {
  const pooling = poolingRoutes(engine, servingContext(config, options), options.textEncoder);
  return { app: createServingApp(pooling.context, options, [pooling]), context: pooling.context };
}
