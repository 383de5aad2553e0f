import { EngineError } from '../../core/contracts/errors.js';
import { parseNumberList, parseOnOffList, type SweepAxes } from '../../../sim/sweep/sweepPoints.js';

/** The sweep flags shared by `sim sweep` and `sim tune`. */
export interface SweepFlags {
  readonly chunkSizes?: string;
  readonly maxNumSeqs?: string;
  readonly interleave?: string;
  readonly workers?: string;
}

export function sweepAxesFrom(flags: SweepFlags, defaultChunkSizes?: readonly number[]): SweepAxes {
  try {
    const chunkSizes = flags.chunkSizes !== undefined ? parseNumberList(flags.chunkSizes, '--chunk-sizes') : defaultChunkSizes;
    return {
      ...(chunkSizes !== undefined ? { chunkSizes } : {}),
      ...(flags.maxNumSeqs !== undefined ? { maxNumSeqs: parseNumberList(flags.maxNumSeqs, '--max-num-seqs') } : {}),
      ...(flags.interleave !== undefined ? { interleave: parseOnOffList(flags.interleave, '--interleave') } : {}),
    };
  } catch (error) {
    throw new EngineError('invalid_config', (error as Error).message);
  }
}

export function workerCountFrom(flags: SweepFlags): number | undefined {
  if (flags.workers === undefined) return undefined;
  const workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 0) throw new EngineError('invalid_config', `--workers takes a non-negative integer (0 runs on the main thread); got '${flags.workers}'.`);
  return workers;
}

/** `--tensor-parallel-size N` (`-tp N`) of the sim commands: a positive integer. */
export function tensorParallelSizeFrom(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new EngineError('invalid_config', `--tensor-parallel-size takes a positive integer (the cards per engine); got '${text}'.`);
  return value;
}
