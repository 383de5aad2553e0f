import type { LogLevel, ModelTask } from '../../core/contracts/config.js';
import type { EngineFlagOptions } from '../engineFlagOptions.js';

/** `vllm serve`'s options as commander hands them over (SPEC §1.1): the engine flags and the server's own. */
export interface ServeCommandOptions extends EngineFlagOptions {
  readonly host?: string;
  readonly port?: number;
  readonly servedModelName?: string;
  readonly apiKey?: string;
  readonly task?: ModelTask;
  readonly disableLogRequests?: boolean;
  readonly logLevel?: LogLevel;
}
