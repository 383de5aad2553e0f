// `spyre serve` for pooling models (--task embed | score | classify, or an encoder directory): the one serve
// path (serveEngine) over the encoder engine, warmed up on every warmup shape as it starts.
import { ENCODER_ENGINE, type CreatedPoolingEngine } from '../../app/createPoolingEngine.js';
import type { SpyrePoolingServer } from '../createPoolingServer.js';
import { serveEngine, type CompiledWithoutServing, type RunningServe, type RunServeOptions } from './serveEngine.js';
import { SERVED_ENCODER } from './servedKinds.js';

export type RunningPoolingServer = RunningServe<SpyrePoolingServer, CreatedPoolingEngine>;

/**
 * Loads the pooling model, warms up every shape, listens, and prints the summary, the URL and a curl example;
 * with VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only, compiles into the cache and returns without serving.
 */
export function runPoolingServe(options: RunServeOptions): Promise<RunningPoolingServer | CompiledWithoutServing> {
  return serveEngine(ENCODER_ENGINE, SERVED_ENCODER, options);
}
