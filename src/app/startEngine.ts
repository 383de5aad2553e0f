// The one composition root of a served model: the task picks the kind of engine (a decoder generates; an
// encoder embeds, scores or classifies), the kind picks its column of the backend table, and
// VLLM_SPYRE_DYNAMO_BACKEND picks the row. `spyre serve` starts here.
import type { EngineFlags } from '../core/config/engineFlags.js';
import type { ModelTask } from '../core/contracts/config.js';
import { readModelDir } from '../models/dir/index.js';
import { DECODER_ENGINE, type CreatedLlmEngine } from './createLlmEngine.js';
import { ENCODER_ENGINE, type CreatedPoolingEngine } from './createPoolingEngine.js';
import { startEngineOf, type CreateEngineOptions, type EngineKindName, type StartedOf } from './engineKind.js';

/** The kind of engine each task runs on. */
export const TASK_ENGINE_KIND: Readonly<Record<ModelTask, EngineKindName>> = {
  generate: 'decoder',
  embed: 'encoder',
  score: 'encoder',
  classify: 'encoder',
};

/** The kind of engine these flags call for: by --task, or without it by what the model directory holds (its config says so). */
export function engineKindOf(flags: EngineFlags): EngineKindName {
  if (flags.task !== undefined) return TASK_ENGINE_KIND[flags.task];
  try {
    return readModelDir(flags.model).kind === 'encoder' ? 'encoder' : 'decoder';
  } catch {
    return 'decoder'; // the decoder's loader reports what is wrong with the directory
  }
}

/** A serving engine, tagged with its kind. */
export type CreatedEngine =
  | { readonly kind: 'decoder'; readonly created: CreatedLlmEngine }
  | { readonly kind: 'encoder'; readonly created: CreatedPoolingEngine };

/** What {@link startEngine} gives: a serving engine of the kind the task runs on, or the programs compiled into the cache. */
export type StartedEngine = CreatedEngine | Extract<StartedOf<never>, { kind: 'compiled' }>;

/** Starts the engine the flags call for (see {@link engineKindOf}), or compiles its programs when the backend only compiles. */
export async function startEngine(options: CreateEngineOptions): Promise<StartedEngine> {
  if (engineKindOf(options.flags) === 'encoder') {
    const started = await startEngineOf(ENCODER_ENGINE, options);
    return started.kind === 'compiled' ? started : { kind: 'encoder', created: started.created };
  }
  const started = await startEngineOf(DECODER_ENGINE, options);
  return started.kind === 'compiled' ? started : { kind: 'decoder', created: started.created };
}
