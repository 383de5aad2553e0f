import type { FastifyInstance } from 'fastify';
import type { EngineCoreStats } from '../core/contracts/engineStats.js';

/**
 * A task's routes over its engine (generation: completions, chat and tokenize; pooling: embeddings, score,
 * rerank, classify and tokenize), as the server base mounts them. Adding a task is one more plugin.
 */
export interface RoutePlugin<Context> {
  /** What the plugin's routes read: the served model's common context and the task's engine. */
  readonly context: Context;
  /** Registers the task's routes. */
  register(app: FastifyInstance): void;
  /** The engine's state, refreshed into the gauges at every scrape. */
  stats(): EngineCoreStats;
  /** False while blocks are in use (409). */
  resetPrefixCache(): boolean;
  /** Requests accepted and not finished (what a draining server waits for). */
  numUnfinishedRequests(): number;
}
