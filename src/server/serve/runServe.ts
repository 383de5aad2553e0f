// `spyre serve` of a generative model: the one serve path (serveEngine) over the decoder engine.
import { DECODER_ENGINE, type CreatedLlmEngine } from '../../app/createLlmEngine.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { SpyreServer } from '../createServer.js';
import { serveEngine, type CompiledWithoutServing, type RunningServe, type RunServeOptions } from './serveEngine.js';
import { SERVED_DECODER } from './servedKinds.js';

export { SHUTDOWN_GRACE_S } from './listenUntilShutdown.js';
export type { CompiledWithoutServing, RunServeOptions } from './serveEngine.js';

export type RunningServer = RunningServe<SpyreServer, CreatedLlmEngine>;

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
  if (options.flags.task !== undefined && options.flags.task !== 'generate') {
    throw new EngineError('invalid_config', `runServe serves generative models (--task generate); --task ${options.flags.task} is served by runPoolingServe (startServe picks).`);
  }
  return serveEngine(DECODER_ENGINE, SERVED_DECODER, options);
}
