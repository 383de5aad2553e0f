// `spyre serve`'s composition root: model load and warmup with a progress bar on stderr, the server on
// its host and port, and a graceful shutdown.
import { startLlmEngine, type CreatedLlmEngine } from '../../app/createLlmEngine.js';
import { stderrLogger } from '../../app/stderrLogger.js';
import type { EngineFlags } from '../../core/config/engineFlags.js';
import type { EnvSource } from '../../core/config/envVars.js';
import { EngineError } from '../../core/contracts/errors.js';
import { createServer, type SpyreServer } from '../createServer.js';
import { BufferedLogger } from './bufferedLogger.js';
import { curlExample } from './curlExample.js';
import { packageVersion } from './packageVersion.js';
import { progressBar } from './progressBar.js';
import { warmUpEngine } from './warmup.js';
import { listenUntilShutdown } from './listenUntilShutdown.js';

export { SHUTDOWN_GRACE_S } from './listenUntilShutdown.js';

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
  const { engine, config } = created;
  const { url, shutdown } = await listenUntilShutdown(
    {
      app: server.app,
      config,
      numUnfinishedRequests: () => engine.numUnfinishedRequests,
      overdueMessage: (count, graceS) => `Aborting ${count} request(s) still running after ${graceS} s.`,
      abortInFlight: () => engine.close(),
      release: () => created.close(),
    },
    baseLogger,
    options.graceS,
  );
  baseLogger.info(`Serving ${config.servedModelName} on ${url} (OpenAI API under ${url}/v1, metrics at ${url}/metrics)`);
  stderr.write(`\nTry it:\n${curlExample(url, config.servedModelName, config.apiKey !== undefined)}\n\n`);
  return { url, server, created, shutdown };
}
