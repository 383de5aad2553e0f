// The one listen/shutdown path of `spyre serve`, whatever task the served engine has.
import type { FastifyInstance } from 'fastify';
import type { EngineConfig } from '../../core/contracts/config.js';
import type { Logger } from '../../core/contracts/logger.js';
import { closeConnectionsWhenStopping } from './closeWhenStopping.js';
import { refuseWhileDraining, untilIdle } from './drainWhileStopping.js';
import { listenOrRelease } from './listen.js';

/** How long in-flight requests may run on after SIGINT/SIGTERM before they are aborted. */
export const SHUTDOWN_GRACE_S = 10;

/** What the serve path needs of a served engine, generative or pooling. */
export interface ServedEngine {
  readonly app: FastifyInstance;
  readonly config: EngineConfig;
  /** Requests accepted and not finished (logged when shutdown starts and when the grace period ends). */
  numUnfinishedRequests(): number;
  /** The warning when the grace period ends with `count` requests left. */
  overdueMessage(count: number, graceS: number): string;
  /** Ends the requests still in flight (aborted streams still send their last chunk and [DONE]). */
  abortInFlight(): Promise<void>;
  /** Releases the engine and its backend; called once on shutdown or when listening fails. */
  release(): Promise<void>;
}

export interface ListeningServer {
  readonly url: string;
  /** Drains: /health answers 503 and new requests are refused, lets in-flight requests finish for up to the grace period, then aborts them and releases the engine. */
  shutdown(reason: string): Promise<void>;
}

/** Drains (running requests finish, new ones get 503), then closes the server and the engine; aborts whatever still runs after `graceS`. */
async function shutdownGracefully(served: ServedEngine, graceS: number, logger: Logger): Promise<void> {
  logger.info(`Shutting down: draining (/health answers 503, new requests are refused); ${served.numUnfinishedRequests()} request(s) in flight get up to ${graceS} s to finish.`);
  const abortTimer = setTimeout(() => {
    logger.warn(served.overdueMessage(served.numUnfinishedRequests(), graceS));
    // Once the aborted requests have answered, whatever connection is left goes.
    void served.abortInFlight().then(() => setImmediate(() => served.app.server.closeAllConnections()));
  }, graceS * 1000);
  abortTimer.unref();
  try {
    await untilIdle(() => served.numUnfinishedRequests());
    await served.app.close();
  } finally {
    clearTimeout(abortTimer);
    await served.release();
  }
  logger.info('Server stopped.');
}

/** Listens on the configured host and port (releasing the engine if that fails) and returns the URL and the shutdown. */
export async function listenUntilShutdown(served: ServedEngine, logger: Logger, graceS = SHUTDOWN_GRACE_S): Promise<ListeningServer> {
  let stopping: Promise<void> | undefined;
  closeConnectionsWhenStopping(served.app, () => stopping !== undefined);
  refuseWhileDraining(served.app, () => stopping !== undefined);
  const url = await listenOrRelease(served.app, served.config.host, served.config.port, () => served.release());
  return {
    url,
    shutdown: (reason: string) => {
      if (stopping === undefined) {
        logger.info(`${reason} received.`);
        stopping = shutdownGracefully(served, graceS, logger);
      }
      return stopping;
    },
  };
}
