import { EngineError } from '../../src/core/contracts/errors.js';
import { BLOCK_SIZE } from '../../src/core/contracts/ids.js';

/** The shapes a calibration measures. Contexts are given in chunks: 1 = the first chunk, 2 = the second … */
export interface CalibrationGrid {
  readonly chunkSizes: readonly number[];
  readonly contextChunks: readonly number[];
  /**
   * Prompt tokens in a partly filled chunk, probed besides full chunks (values below a chunk size). A backend
   * that pays only for a chunk's prompt tokens (cost basis `valid`, the eager backend) needs these points, or
   * a short prompt is priced as a full chunk.
   */
  readonly prefillValidTokens?: readonly number[];
  readonly batchSizes: readonly number[];
  readonly tkvs: readonly number[];
  /** Timed runs per shape; the median is kept. */
  readonly repeats: number;
  /** Untimed runs per shape first (caches, allocator, JIT). */
  readonly warmup: number;
  /** Shapes whose context exceeds this are skipped (the model's maximum length). */
  readonly maxContextTokens: number;
}

export const DEFAULT_CALIBRATION_GRID: CalibrationGrid = {
  chunkSizes: [128, 256, 512, 1024],
  contextChunks: [1, 2, 4],
  batchSizes: [1, 2, 4, 8],
  tkvs: [128, 512, 1024, 2048],
  repeats: 5,
  warmup: 1,
  maxContextTokens: 2048,
};

export function validateGrid(grid: CalibrationGrid): CalibrationGrid {
  const bad = [...grid.chunkSizes, ...grid.tkvs].find((value) => value % BLOCK_SIZE !== 0 || value <= 0);
  if (bad !== undefined) throw new EngineError('invalid_config', `calibration chunk sizes and tkvs must be positive multiples of ${BLOCK_SIZE}; got ${bad}.`);
  if (grid.repeats < 1) throw new EngineError('invalid_config', 'calibration needs at least one timed repeat.');
  return grid;
}
