// How `spyre serve` serves each kind of engine: its warmup (a decoder runs a few requests once loaded; an
// encoder runs every warmup shape while it starts, which its log lines tell), its server and its drain.
import type { CreatedLlmEngine } from '../../app/createLlmEngine.js';
import type { CreatedPoolingEngine } from '../../app/createPoolingEngine.js';
import type { Logger } from '../../core/contracts/logger.js';
import { PoolingTextEncoder } from '../../core/contracts/pooling.js';
import { createPoolingServer, type SpyrePoolingServer } from '../createPoolingServer.js';
import { createServer, type SpyreServer } from '../createServer.js';
import { curlExample, poolingCurlExample } from './curlExample.js';
import type { ServedEngine } from './listenUntilShutdown.js';
import { packageVersion } from './packageVersion.js';
import { warmUpEngine } from './warmup.js';

/** Where startup reports its progress (the bar on stderr). */
export interface StartupProgress {
  stage(name: string, total: number): void;
  update(done: number): void;
}

/** One kind of served engine, as the serve path drives it. */
export interface ServedKind<Created, Server> {
  /** The logger the engine starts with: an encoder's warmup is followed through it. */
  watchStartup(logger: Logger, progress: StartupProgress): Logger;
  /** Warmup after loading, when the engine does not warm up as it starts. */
  warmUp?(created: Created, onProgress: (done: number, total: number) => void): Promise<void>;
  /** The server over the engine and what the drain needs of it. */
  serve(created: Created, logger: Logger): { readonly server: Server; readonly served: ServedEngine };
  /** The log line once listening, and the copy-paste request. */
  banner(created: Created, url: string): { readonly line: string; readonly example: string };
}

export const SERVED_DECODER: ServedKind<CreatedLlmEngine, SpyreServer> = {
  watchStartup: (logger) => logger,
  warmUp: (created, onProgress) => warmUpEngine(created.engine, created.config, onProgress),
  serve: (created, logger) => {
    const server = createServer(created.engine, created.config, { logger, version: packageVersion(), vocabSize: created.model.vocabSize });
    const { engine } = created;
    return {
      server,
      served: {
        app: server.app,
        config: created.config,
        numUnfinishedRequests: () => engine.numUnfinishedRequests,
        overdueMessage: (count, graceS) => `Aborting ${count} request(s) still running after ${graceS} s.`,
        abortInFlight: () => engine.close(),
        release: () => created.close(),
      },
    };
  },
  banner: ({ config }, url) => ({
    line: `Serving ${config.servedModelName} on ${url} (OpenAI API under ${url}/v1, metrics at ${url}/metrics)`,
    example: curlExample(url, config.servedModelName, config.apiKey !== undefined),
  }),
};

const WARMING_UP = /^Warming up (\d+) warmup shapes/;
const WARMED_SHAPE = /^Warmup shape (\d+)\/(\d+)/;

export const SERVED_ENCODER: ServedKind<CreatedPoolingEngine, SpyrePoolingServer> = {
  // The engine logs warmup per shape; the bar follows those lines (they are held and printed after it).
  watchStartup: (target, progress) => ({
    debug: (message) => target.debug(message),
    warn: (message) => target.warn(message),
    error: (message) => target.error(message),
    info: (message) => {
      const starting = WARMING_UP.exec(message);
      if (starting) progress.stage('warming up     ', Number(starting[1]));
      const shape = WARMED_SHAPE.exec(message);
      if (shape) progress.update(Number(shape[1]));
      target.info(message);
    },
  }),
  serve: (created, logger) => {
    const server = createPoolingServer(created.engine, created.config, { logger, version: packageVersion(), textEncoder: created.container.get(PoolingTextEncoder) });
    let closing: Promise<void> | undefined;
    const closeEngine = (): Promise<void> => (closing ??= created.close());
    return {
      server,
      served: {
        app: server.app,
        config: created.config,
        numUnfinishedRequests: () => server.context.metrics.numUnfinishedRequests,
        overdueMessage: (count, graceS) => `Failing ${count} request(s) still waiting after ${graceS} s.`,
        abortInFlight: closeEngine,
        release: closeEngine,
      },
    };
  },
  banner: ({ config }, url) => ({
    line: `Serving ${config.servedModelName} (task ${config.task}) on ${url} (OpenAI API under ${url}/v1, metrics at ${url}/metrics)`,
    example: poolingCurlExample(url, config.servedModelName, config.task, config.apiKey !== undefined),
  }),
};
