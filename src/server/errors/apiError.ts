import type { EngineErrorKind } from '../../core/contracts/errors.js';

/** What the HTTP layer can answer besides the engine's own kinds. */
export type HttpOnlyErrorKind = 'unauthorized' | 'model_not_found' | 'route_not_found' | 'payload_too_large' | 'conflict' | 'unsupported_media_type' | 'client_closed' | 'draining' | 'internal';

/** Every error kind the server maps to a status code: the engine's kinds and the HTTP layer's. */
export type ApiErrorKind = EngineErrorKind | HttpOnlyErrorKind;

/**
 * An error the HTTP layer raises itself (bad key, unknown model, bad field). `param` names the request
 * field at fault, as OpenAI's error shape does.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}
