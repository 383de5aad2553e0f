// `spyre serve` for pooling models (--task embed | score | classify, or an encoder directory): the
// PoolingEngine loaded and warmed up on every warmup shape with a progress bar, the pooling server on its
// host and port, and the same graceful shutdown as the generative server.
import { startPoolingEngine, type CreatedPoolingEngine } from '../../app/createPoolingEngine.js';
import { stderrLogger } from '../../app/stderrLogger.js';
import type { Logger } from '../../core/contracts/logger.js';
import { PoolingTextEncoder } from '../../core/contracts/pooling.js';
import { createPoolingServer, type SpyrePoolingServer } from '../createPoolingServer.js';
import { BufferedLogger } from './bufferedLogger.js';
import { closeConnectionsWhenStopping } from './closeWhenStopping.js';
import { refuseWhileDraining, untilIdle } from './drainWhileStopping.js';
import { poolingCurlExample } from './curlExample.js';
import { packageVersion } from './packageVersion.js';
import { progressBar } from './progressBar.js';
import { SHUTDOWN_GRACE_S, type CompiledWithoutServing, type RunServeOptions } from './runServe.js';
import { listenOrRelease } from './listen.js';

export interface RunningPoolingServer {
  readonly url: string;
  readonly server: SpyrePoolingServer;
  readonly created: CreatedPoolingEngine;
  /** Stops accepting, lets in-flight requests finish for up to `graceS`, then fails them and releases the model. */
  shutdown(reason: string): Promise<void>;
}

const WARMING_UP = /^Warming up (\d+) warmup shapes/;
const WARMED_SHAPE = /^Warmup shape (\d+)\/(\d+)/;

/** The engine logs warmup per shape; the bar follows those lines (they are held and printed after it). */
function watchWarmup(target: Logger, onShapes: (total: number) => void, onShape: (done: number, total: number) => void): Logger {
  return {
    debug: (message) => target.debug(message),
    warn: (message) => target.warn(message),
    error: (message) => target.error(message),
    info: (message) => {
      const starting = WARMING_UP.exec(message);
      if (starting) onShapes(Number(starting[1]));
      const shape = WARMED_SHAPE.exec(message);
      if (shape) onShape(Number(shape[1]), Number(shape[2]));
      target.info(message);
    },
  };
}

async function loadAndWarmUp(options: RunServeOptions, logger: BufferedLogger, stderr: NodeJS.WritableStream): Promise<CreatedPoolingEngine | CompiledWithoutServing> {
  const bar = progressBar(stderr);
  bar.start(1, 0, { stage: 'loading model  ' });
  const watching = watchWarmup(
    logger,
    (total) => {
      bar.setTotal(total);
      bar.update(0, { stage: 'warming up     ' });
    },
    (done) => bar.update(done),
  );
  try {
    const started = await startPoolingEngine({ flags: options.flags, env: options.env ?? process.env, logger: watching });
    return started.kind === 'compiled' ? { kind: 'compiled', summary: started.summary } : started.created;
  } finally {
    bar.stop();
    logger.release();
  }
}

/** Releases the engine once, however many paths (grace timer, end of close) ask for it. */
function closeOnce(created: CreatedPoolingEngine): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= created.close());
}

/** Drains (calls in flight finish, new ones get 503), then closes the server and the engine; after `graceS` the calls still waiting fail and connections go. */
async function shutdownGracefully(server: SpyrePoolingServer, closeEngine: () => Promise<void>, graceS: number, logger: Logger): Promise<void> {
  const metrics = server.context.metrics;
  logger.info(`Shutting down: draining (/health answers 503, new requests are refused); ${metrics.numUnfinishedRequests} request(s) in flight get up to ${graceS} s to finish.`);
  const abortTimer = setTimeout(() => {
    logger.warn(`Failing ${metrics.numUnfinishedRequests} request(s) still waiting after ${graceS} s.`);
    void closeEngine().then(() => setImmediate(() => server.app.server.closeAllConnections()));
  }, graceS * 1000);
  abortTimer.unref();
  try {
    await untilIdle(() => metrics.numUnfinishedRequests);
    await server.app.close();
  } finally {
    clearTimeout(abortTimer);
    await closeEngine();
  }
  logger.info('Server stopped.');
}

/**
 * Loads the pooling model, warms up every shape, listens, and prints the summary, the URL and a curl example;
 * with VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only, compiles into the cache and returns without serving.
 */
export async function runPoolingServe(options: RunServeOptions): Promise<RunningPoolingServer | CompiledWithoutServing> {
  const stderr = options.stderr ?? process.stderr;
  const baseLogger = stderrLogger(options.flags.logLevel ?? 'info');
  const created = await loadAndWarmUp(options, new BufferedLogger(baseLogger), stderr);
  if ('kind' in created) return created;
  const { config } = created;
  const server = createPoolingServer(created.engine, config, { logger: baseLogger, version: packageVersion(), textEncoder: created.container.get(PoolingTextEncoder) });
  let stopping: Promise<void> | undefined;
  closeConnectionsWhenStopping(server.app, () => stopping !== undefined);
  refuseWhileDraining(server.app, () => stopping !== undefined);
  const closeEngine = closeOnce(created);
  const url = await listenOrRelease(server.app, config.host, config.port, closeEngine);
  baseLogger.info(`Serving ${config.servedModelName} (task ${config.task}) on ${url} (OpenAI API under ${url}/v1, metrics at ${url}/metrics)`);
  stderr.write(`\nTry it:\n${poolingCurlExample(url, config.servedModelName, config.task, config.apiKey !== undefined)}\n\n`);
  return {
    url,
    server,
    created,
    shutdown: (reason: string) => {
      if (stopping === undefined) {
        baseLogger.info(`${reason} received.`);
        stopping = shutdownGracefully(server, closeEngine, options.graceS ?? SHUTDOWN_GRACE_S, baseLogger);
      }
      return stopping;
    },
  };
}
