// Warmup: make every program a configuration needs resident on the device, from the cache or compiled,
// with progress and timing in the log (the memory check comes first: cardMemory.ts).
import { describeProgramShape, type ProgramShape } from '../../core/catalog/programShape.js';
import type { Logger } from '../../core/contracts/logger.js';
import { obtainProgram, type CachePolicy, type ObtainedProgram } from './cache/programCache.js';
import type { NativeHandle, SendnnLibrary } from './ffi/sendnnLibrary.js';
import type { SendnnModel } from './sendnnModel.js';

/** Loads or compiles `shapes` in order; on failure frees what it made and rethrows. */
export function warmupPrograms(
  library: SendnnLibrary, device: NativeHandle, cards: number, model: SendnnModel, shapes: readonly ProgramShape[], policy: CachePolicy, logger: Logger,
): ObtainedProgram[] {
  const startMs = performance.now();
  const cacheText = policy.cacheDir === undefined ? 'disabled' : `enabled (${policy.cacheDir})`;
  logger.info(`[sendnn] warmup: ${shapes.length} programs, compilation cache ${cacheText}${policy.compilationDisabled ? ', compilation disabled' : ''}`);
  let weights: NativeHandle | undefined;
  const inputs = {
    weights: (): NativeHandle => {
      if (weights === undefined) {
        const handle = library.allocWeights(device, model.desc);
        weights = handle;
        library.writeBuffer(handle, 0, model.weights);
      }
      return weights;
    },
  };
  const programs: ObtainedProgram[] = [];
  try {
    shapes.forEach((shape, index) => {
      const ops = {
        modelFingerprint: model.fingerprint,
        cards,
        load: (path: string, key: string): NativeHandle => library.loadProgram(device, model.desc, shape, path, key),
        compile: (): NativeHandle => library.compileProgram(device, model.desc, inputs.weights(), shape),
      };
      const program = obtainProgram(library, shape, ops, policy, logger);
      programs.push(program);
      logger.info(`[sendnn] warmup ${index + 1}/${shapes.length}: ${describeProgramShape(shape)} ${program.source === 'cache' ? 'loaded from the cache' : program.source} in ${program.elapsedMs.toFixed(1)} ms`);
    });
  } catch (error) {
    for (const program of programs) library.freeProgram(program.handle);
    throw error;
  } finally {
    if (weights !== undefined) library.freeBuffer(weights);
  }
  const counts = { cache: 0, compiled: 0, recompiled: 0 };
  for (const program of programs) counts[program.source] += 1;
  logger.info(
    `[sendnn] warmup done in ${((performance.now() - startMs) / 1000).toFixed(3)} s: ${counts.cache} from the cache, ${counts.compiled} compiled, ` +
      `${counts.recompiled} recompiled; compilation cache ${cacheText}`,
  );
  return programs;
}
