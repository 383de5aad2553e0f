// `spyre serve` for pooling models (--task embed | score | classify, or an encoder directory): the
// PoolingEngine loaded and warmed up on every warmup shape with a progress bar, the pooling server on its
// host and port, and the same graceful shutdown as the generative server.
import { startPoolingEngine, type CreatedPoolingEngine } from '../../app/createPoolingEngine.js';
import { stderrLogger } from '../../app/stderrLogger.js';
import type { Logger } from '../../core/contracts/logger.js';
import { PoolingTextEncoder } from '../../core/contracts/pooling.js';
import { createPoolingServer, type SpyrePoolingServer } from '../createPoolingServer.js';
import { BufferedLogger } from './bufferedLogger.js';
import { poolingCurlExample } from './curlExample.js';
import { packageVersion } from './packageVersion.js';
import { progressBar } from './progressBar.js';
import type { CompiledWithoutServing, RunServeOptions } from './runServe.js';
import { listenUntilShutdown } from './listenUntilShutdown.js';

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
  let closing: Promise<void> | undefined;
  const closeEngine = (): Promise<void> => (closing ??= created.close());
  const { url, shutdown } = await listenUntilShutdown(
    {
      app: server.app,
      config,
      numUnfinishedRequests: () => server.context.metrics.numUnfinishedRequests,
      overdueMessage: (count, graceS) => `Failing ${count} request(s) still waiting after ${graceS} s.`,
      abortInFlight: closeEngine,
      release: closeEngine,
    },
    baseLogger,
    options.graceS,
  );
  baseLogger.info(`Serving ${config.servedModelName} (task ${config.task}) on ${url} (OpenAI API under ${url}/v1, metrics at ${url}/metrics)`);
  stderr.write(`\nTry it:\n${poolingCurlExample(url, config.servedModelName, config.task, config.apiKey !== undefined)}\n\n`);
  return { url, server, created, shutdown };
}
