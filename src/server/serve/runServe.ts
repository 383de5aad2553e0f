// `spyre serve`'s composition root: model load and warmup with a progress bar on stderr, the server on
// its host and port, and a graceful shutdown.
import { startLlmEngine, type CreatedLlmEngine } from '../../app/createLlmEngine.js';
import { stderrLogger } from '../../app/stderrLogger.js';
import type { EngineFlags } from '../../core/config/engineFlags.js';
import type { EnvSource } from '../../core/config/envVars.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { Logger } from '../../core/contracts/logger.js';
import { createServer, type SpyreServer } from '../createServer.js';
import { BufferedLogger } from './bufferedLogger.js';
import { closeConnectionsWhenStopping } from './closeWhenStopping.js';
import { refuseWhileDraining, untilIdle } from './drainWhileStopping.js';
import { curlExample } from './curlExample.js';
import { packageVersion } from './packageVersion.js';
import { progressBar } from './progressBar.js';
import { warmUpEngine } from './warmup.js';
import { listenOrRelease } from './listen.js';

/** How long in-flight requests may run on after SIGINT/SIGTERM before they are aborted. */
export const SHUTDOWN_GRACE_S = 10;

export interface RunServeOptions {
  readonly flags: EngineFlags;
  readonly env?: EnvSource;
  readonly stderr?: NodeJS.WritableStream;
  readonly graceS?: number;
}

/** VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only: the programs went into the cache, nothing is served. */
export interface CompiledWithoutServing {
  readonly kind: 'compiled';
  /** What was compiled and where the catalog entry went (also logged). */
  readonly summary: string;
}

export interface RunningServer {
  readonly url: string;
  readonly server: SpyreServer;
  readonly created: CreatedLlmEngine;
  /** Stops accepting, lets in-flight requests finish for up to `graceS`, then aborts them and releases the model. */
  shutdown(reason: string): Promise<void>;
}

async function loadAndWarmUp(flags: EngineFlags, env: EnvSource, logger: BufferedLogger, stderr: NodeJS.WritableStream): Promise<CreatedLlmEngine | CompiledWithoutServing> {
  const bar = progressBar(stderr);
  bar.start(1, 0, { stage: 'loading model  ' });
  let created: CreatedLlmEngine;
  try {
    const started = await startLlmEngine({ flags, env, logger });
    bar.update(1);
    if (started.kind === 'compiled') return { kind: 'compiled', summary: started.summary };
    created = started.created;
  } finally {
    bar.stop();
    logger.release();
  }
  logger.hold();
  bar.start(1, 0, { stage: 'warming up     ' });
  try {
    await warmUpEngine(created.engine, created.config, (done, total) => {
      bar.setTotal(total);
      bar.update(done);
    });
  } catch (error) {
    await created.close();
    throw error;
  } finally {
    bar.stop();
    logger.release();
  }
  return created;
}

/** Drains (running requests finish, new ones get 503), then closes the server and the engine; aborts whatever still runs after `graceS`. */
async function shutdownGracefully(server: SpyreServer, created: CreatedLlmEngine, graceS: number, logger: Logger): Promise<void> {
  const inFlight = created.engine.numUnfinishedRequests;
  logger.info(`Shutting down: draining (/health answers 503, new requests are refused); ${inFlight} request(s) in flight get up to ${graceS} s to finish.`);
  const abortTimer = setTimeout(() => {
    logger.warn(`Aborting ${created.engine.numUnfinishedRequests} request(s) still running after ${graceS} s.`);
    // Aborted streams still send their last chunk and [DONE]; then whatever connection is left goes.
    void created.engine.close().then(() => setImmediate(() => server.app.server.closeAllConnections()));
  }, graceS * 1000);
  abortTimer.unref();
  try {
    await untilIdle(() => created.engine.numUnfinishedRequests);
    await server.app.close();
  } finally {
    clearTimeout(abortTimer);
    await created.close();
  }
  logger.info('Server stopped.');
}

/** Loads the model, warms it up, listens, and prints the summary, the URL and a curl example. */
export async function runServe(options: RunServeOptions): Promise<RunningServer> {
  const started = await runServeOrCompile(options);
  if ('kind' in started) throw new EngineError('invalid_config', `VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only serves nothing (start through startServe): ${started.summary}`);
  return started;
}

/**
 * {@link runServe}, or with VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only every program compiled into the
 * cache and the catalog entry recorded, nothing served (what `spyre serve` starts, through startServe).
 */
export async function runServeOrCompile(options: RunServeOptions): Promise<RunningServer | CompiledWithoutServing> {
  const stderr = options.stderr ?? process.stderr;
  const baseLogger = stderrLogger(options.flags.logLevel ?? 'info');
  const logger = new BufferedLogger(baseLogger);
  if (options.flags.task !== undefined && options.flags.task !== 'generate') {
    throw new EngineError('invalid_config', `runServe serves generative models (--task generate); --task ${options.flags.task} is served by runPoolingServe (startServe picks).`);
  }
  const created = await loadAndWarmUp(options.flags, options.env ?? process.env, logger, stderr);
  if ('kind' in created) return created;
  const server = createServer(created.engine, created.config, { logger: baseLogger, version: packageVersion(), vocabSize: created.model.io.vocabSize });
  let stopping: Promise<void> | undefined;
  closeConnectionsWhenStopping(server.app, () => stopping !== undefined);
  refuseWhileDraining(server.app, () => stopping !== undefined);
  const url = await listenOrRelease(server.app, created.config.host, created.config.port, () => created.close());
  baseLogger.info(`Serving ${created.config.servedModelName} on ${url} (OpenAI API under ${url}/v1, metrics at ${url}/metrics)`);
  stderr.write(`\nTry it:\n${curlExample(url, created.config.servedModelName, created.config.apiKey !== undefined)}\n\n`);
  return {
    url,
    server,
    created,
    shutdown: (reason: string) => {
      if (stopping === undefined) {
        baseLogger.info(`${reason} received.`);
        stopping = shutdownGracefully(server, created, options.graceS ?? SHUTDOWN_GRACE_S, baseLogger);
      }
      return stopping;
    },
  };
}
