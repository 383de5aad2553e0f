import { EngineError } from '../../core/contracts/errors.js';

/** A model the eager backend cannot serve: startup fails with the file and what was found vs expected. */
export function eagerModelError(file: string, detail: string): EngineError {
  return new EngineError('invalid_config', `${file}: ${detail}`);
}
