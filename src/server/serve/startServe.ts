// What `spyre serve` starts: the task picks the kind of engine (startEngine.ts: by --task, or without it by
// what the model directory holds), and the one serve path (serveEngine) serves that kind as servedKinds.ts says.
import type { CreatedLlmEngine } from '../../app/createLlmEngine.js';
import { DECODER_ENGINE } from '../../app/createLlmEngine.js';
import { ENCODER_ENGINE, type CreatedPoolingEngine } from '../../app/createPoolingEngine.js';
import { engineKindOf } from '../../app/startEngine.js';
import type { EngineFlags } from '../../core/config/engineFlags.js';
import type { SpyrePoolingServer } from '../createPoolingServer.js';
import type { SpyreServer } from '../createServer.js';
import { serveEngine, type CompiledWithoutServing, type RunningServe, type RunServeOptions } from './serveEngine.js';
import { SERVED_DECODER, SERVED_ENCODER } from './servedKinds.js';

export { SHUTDOWN_GRACE_S } from './listenUntilShutdown.js';
export type { CompiledWithoutServing, RunServeOptions } from './serveEngine.js';

/** A listening server over a generating engine. */
export type RunningServer = RunningServe<SpyreServer, CreatedLlmEngine>;
/** A listening server over a pooling engine (embed, score, classify). */
export type RunningPoolingServer = RunningServe<SpyrePoolingServer, CreatedPoolingEngine>;

export type StartedServe =
  | { readonly kind: 'generate'; readonly running: RunningServer }
  | { readonly kind: 'pooling'; readonly running: RunningPoolingServer }
  /** VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only: compiled into the cache, nothing listening. */
  | CompiledWithoutServing;

/** True when `spyre serve` should start the PoolingEngine for these flags. */
export function servesPoolingModel(flags: EngineFlags): boolean {
  return engineKindOf(flags) === 'encoder';
}

/**
 * `spyre serve`: loads the model, warms it up, listens, and prints the summary, the URL and a curl example;
 * with VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only, compiles into the cache and returns without serving.
 */
export async function startServe(options: RunServeOptions): Promise<StartedServe> {
  if (servesPoolingModel(options.flags)) {
    const running = await serveEngine(ENCODER_ENGINE, SERVED_ENCODER, options);
    return 'kind' in running ? running : { kind: 'pooling', running };
  }
  const running = await serveEngine(DECODER_ENGINE, SERVED_DECODER, options);
  return 'kind' in running ? running : { kind: 'generate', running };
}
