import { EngineError, type EngineErrorKind } from '../../src/core/contracts/errors.js';

/**
 * The EngineError `body` throws; fails the test when it throws nothing or something else, or (with `kind`)
 * an EngineError of another kind.
 */
export function engineErrorOf(body: () => unknown, kind?: EngineErrorKind): EngineError {
  try {
    body();
  } catch (error) {
    if (error instanceof EngineError && (kind === undefined || error.kind === kind)) return error;
    throw error;
  }
  throw new Error(`expected an EngineError${kind === undefined ? '' : ` of kind '${kind}'`}, but nothing was thrown`);
}
