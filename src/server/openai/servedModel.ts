import type { EngineConfig } from '../../core/contracts/config.js';
import { ApiError } from '../errors/apiError.js';

/** What the model check reads: plain data, so a body worker checks the same. */
export interface ServedModelNames {
  readonly acceptedModelNames: ReadonlySet<string>;
  readonly config: Pick<EngineConfig, 'servedModelName'>;
}

/** 404 for a model this server does not serve (OpenAI's answer), naming it and the served one. */
export function requireServedModel(context: ServedModelNames, model: string): void {
  if (!context.acceptedModelNames.has(model)) {
    throw new ApiError('model_not_found', `The model '${model}' does not exist. This server serves '${context.config.servedModelName}'.`, 'model');
  }
}
