import type { FastifyInstance } from 'fastify';
import type { EngineConfig } from '../core/contracts/config.js';
import type { LlmEngine } from '../core/engine/llmEngine.js';
import { createServingApp } from './createServingApp.js';
import { generationRoutes } from './routes/generationRoutes.js';
import type { ServerContext } from './serverContext.js';
import { servingContext, type ServingOptions } from './servingContext.js';

export { DEFAULT_BODY_LIMIT_BYTES } from './servingContext.js';

export interface CreateServerOptions extends ServingOptions {
  /** Rows of the model's logits: prompt token ids at or above it are refused with a 400. */
  readonly vocabSize?: number;
}

export interface SpyreServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
}

/**
 * The OpenAI-compatible HTTP server over a generating engine: the server base with the generation routes.
 * Errors of every kind leave as OpenAI's `{error: {message, type, param, code}}` with the status of HTTP_ERROR_TABLE.
 */
export function createServer(engine: LlmEngine, config: EngineConfig, options: CreateServerOptions = {}): SpyreServer {
  const generation = generationRoutes(engine, servingContext(config, options), options.vocabSize);
  return { app: createServingApp(generation.context, options, [generation]), context: generation.context };
}
