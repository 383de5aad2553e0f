// What `spyre serve` starts: the generative server, or the pooling server when --task asks for a pooling
// task or, without --task, when the model directory holds an encoder (its config says so).
import type { EngineFlags } from '../../core/config/engineFlags.js';
import { engineKindOf } from '../../app/startEngine.js';
import { runPoolingServe, type RunningPoolingServer } from './runPoolingServe.js';
import { runServeOrCompile, type CompiledWithoutServing, type RunningServer, type RunServeOptions } from './runServe.js';

export type StartedServe =
  | { readonly kind: 'generate'; readonly running: RunningServer }
  | { readonly kind: 'pooling'; readonly running: RunningPoolingServer }
  /** VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only: compiled into the cache, nothing listening. */
  | CompiledWithoutServing;

/** True when `spyre serve` should start the PoolingEngine for these flags. */
export function servesPoolingModel(flags: EngineFlags): boolean {
  return engineKindOf(flags) === 'encoder';
}

/** `spyre serve`: the server the flags and the model call for, started and listening. */
export async function startServe(options: RunServeOptions): Promise<StartedServe> {
  if (servesPoolingModel(options.flags)) {
    const running = await runPoolingServe(options);
    return 'kind' in running ? running : { kind: 'pooling', running };
  }
  const running = await runServeOrCompile(options);
  return 'kind' in running ? running : { kind: 'generate', running };
}
