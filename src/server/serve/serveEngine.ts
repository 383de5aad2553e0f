// The one serve path of `spyre serve`, whatever kind of engine it serves: load and warm up with a progress
// bar on stderr, the server on its host and port, the summary, the URL and a curl example, and a graceful shutdown.
import { startEngineOf, type CreateEngineOptions, type EngineKind } from '../../app/engineKind.js';
import { stderrLogger } from '../../app/stderrLogger.js';
import { DEFAULTS, type EngineFlags } from '../../core/config/engineFlags.js';
import type { EnvSource } from '../../core/config/envVars.js';
import { BufferedLogger } from './bufferedLogger.js';
import { listenUntilShutdown } from './listenUntilShutdown.js';
import { progressBar } from './progressBar.js';
import type { ServedKind, StartupProgress } from './servedKinds.js';

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

/** A listening server over its engine. */
export interface RunningServe<Server, Created> {
  readonly url: string;
  readonly server: Server;
  readonly created: Created;
  /** Stops accepting, lets in-flight requests finish for up to `graceS`, then ends them and releases the model. */
  shutdown(reason: string): Promise<void>;
}

async function loadAndWarmUp<Created extends { close(): Promise<void> }>(
  engineKind: EngineKind<Created>,
  servedKind: ServedKind<Created, unknown>,
  options: CreateEngineOptions,
  logger: BufferedLogger,
  stderr: NodeJS.WritableStream,
): Promise<Created | CompiledWithoutServing> {
  const bar = progressBar(stderr);
  const progress: StartupProgress = {
    stage: (name, total) => {
      bar.setTotal(total);
      bar.update(0, { stage: name });
    },
    update: (done) => bar.update(done),
  };
  bar.start(1, 0, { stage: 'loading model  ' });
  let created: Created;
  try {
    const started = await startEngineOf(engineKind, { ...options, logger: servedKind.watchStartup(logger, progress) });
    bar.update(bar.getTotal());
    if (started.kind === 'compiled') return { kind: 'compiled', summary: started.summary };
    created = started.created;
  } finally {
    bar.stop();
    logger.release();
  }
  if (servedKind.warmUp === undefined) return created;
  logger.hold();
  bar.start(1, 0, { stage: 'warming up     ' });
  try {
    await servedKind.warmUp(created, (done, total) => {
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

/** Starts the engine of `engineKind`, serves it as `servedKind` says and listens; or compiles without serving. */
export async function serveEngine<Created extends { close(): Promise<void> }, Server>(
  engineKind: EngineKind<Created>,
  servedKind: ServedKind<Created, Server>,
  options: RunServeOptions,
): Promise<RunningServe<Server, Created> | CompiledWithoutServing> {
  const stderr = options.stderr ?? process.stderr;
  const baseLogger = stderrLogger(options.flags.logLevel ?? DEFAULTS.logLevel);
  const created = await loadAndWarmUp(engineKind, servedKind, { flags: options.flags, env: options.env ?? process.env }, new BufferedLogger(baseLogger), stderr);
  if (isCompiled(created)) return created;
  const { server, served } = servedKind.serve(created, baseLogger);
  const { url, shutdown } = await listenUntilShutdown(served, baseLogger, options.graceS);
  const { line, example } = servedKind.banner(created, url);
  baseLogger.info(line);
  stderr.write(`\nTry it:\n${example}\n\n`);
  return { url, server, created, shutdown };
}

function isCompiled(started: object): started is CompiledWithoutServing {
  return 'kind' in started && started.kind === 'compiled';
}
