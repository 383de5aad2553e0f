import type { EngineConfig } from '../core/contracts/config.js';
import type { LlmEngine } from '../core/engine/llmEngine.js';
import { servePlugin, type ServingServer } from './createServingApp.js';
import { generationRoutes } from './routes/generationRoutes.js';
import type { ServerContext } from './serverContext.js';
import { servingContext, type ServingOptions } from './servingContext.js';

export { DEFAULT_BODY_LIMIT_BYTES } from './servingContext.js';

export type SpyreServer = ServingServer<ServerContext>;

/** `vocabSize`: rows of the model's logits; prompt token ids at or above it are refused with a 400. */
export type CreateServerOptions = ServingOptions & { readonly vocabSize?: number };

/**
 * The OpenAI-compatible HTTP server over a generating engine: the server base with the generation routes.
 * Errors of every kind leave as OpenAI's `{error: {message, type, param, code}}` with the status of HTTP_ERROR_TABLE.
 */
export function createServer(engine: LlmEngine, config: EngineConfig, options: CreateServerOptions = {}): SpyreServer {
  return servePlugin(generationRoutes(engine, servingContext(config, options), options.vocabSize), options);
}
