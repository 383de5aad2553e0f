import type { ApiErrorKind } from './apiError.js';

/** How one error kind reads over HTTP: the status and OpenAI's `type` and `code` fields. */
export interface HttpErrorMapping {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
}

/** The one table from error kinds (the engine's and the HTTP layer's) to HTTP answers. */
export const HTTP_ERROR_TABLE: Readonly<Record<ApiErrorKind, HttpErrorMapping>> = {
  invalid_request: { status: 400, type: 'invalid_request_error', code: null },
  invalid_scenario: { status: 400, type: 'invalid_request_error', code: null },
  unknown_request: { status: 404, type: 'invalid_request_error', code: 'request_not_found' },
  model_not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  route_not_found: { status: 404, type: 'invalid_request_error', code: 'not_found' },
  unauthorized: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
  conflict: { status: 409, type: 'invalid_request_error', code: 'conflict' },
  payload_too_large: { status: 413, type: 'invalid_request_error', code: 'payload_too_large' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', code: 'unsupported_media_type' },
  // The client left before its answer (nginx's 499): nobody reads it; it only keeps the log free of 500s.
  client_closed: { status: 499, type: 'invalid_request_error', code: 'client_closed_request' },
  // Graceful drain after SIGTERM: the replica finishes what runs and takes nothing new.
  draining: { status: 503, type: 'service_unavailable_error', code: 'draining' },
  invalid_config: { status: 500, type: 'internal_server_error', code: null },
  invariant_violated: { status: 500, type: 'internal_server_error', code: null },
  backend_failed: { status: 500, type: 'internal_server_error', code: null },
  internal: { status: 500, type: 'internal_server_error', code: null },
};
