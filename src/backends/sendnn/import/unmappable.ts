import { EngineError } from '../../../core/contracts/errors.js';

/**
 * The refusal of a model the sendnn programs cannot compute: names the file and what it does not support
 * (an operator, a config field, a tensor shape), and points at the backend that serves it.
 */
export function unmappable(file: string, what: string): EngineError {
  return new EngineError(
    'invalid_config',
    `sendnn backend: cannot map ${file} onto a sendnn program: ${what}. Serve this model with VLLM_SPYRE_DYNAMO_BACKEND=eager.`,
  );
}
