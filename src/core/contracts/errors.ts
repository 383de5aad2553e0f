/** What went wrong, as a closed set: the HTTP layer and the CLI map each kind to a status or exit code. */
export type EngineErrorKind =
  | 'invalid_config'
  | 'invalid_request'
  | 'invalid_scenario'
  | 'unknown_request'
  | 'invariant_violated'
  | 'backend_failed';

/** The one error class of the engine. Expected shortfalls are return values; this is for everything else. */
export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly kind: EngineErrorKind,
    message: string,
  ) {
    super(message);
  }
}
