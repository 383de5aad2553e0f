import { EngineError } from '../../core/contracts/errors.js';
import { ApiError, type ApiErrorKind } from './apiError.js';
import { HTTP_ERROR_TABLE } from './errorTable.js';

/** OpenAI's JSON error body. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

export interface HttpErrorAnswer {
  readonly status: number;
  readonly body: OpenAiErrorBody;
}

/** Fastify's own errors (body parsing, size limit, content type) carry a `code` and a `statusCode`. */
interface FastifyLikeError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message: string;
}

function fastifyKind(error: FastifyLikeError): ApiErrorKind | undefined {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) return 'payload_too_large';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415) return 'unsupported_media_type';
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return 'invalid_request';
  return undefined;
}

function fastifyMessage(kind: ApiErrorKind, error: FastifyLikeError): string {
  if (kind === 'payload_too_large') return `The request body is too large: ${error.message}.`;
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return `The request body is not valid JSON: ${error.message}`;
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request body is empty; send a JSON object.';
  return error.message;
}

/**
 * The engine's messages quote the field at fault ('max_tokens' …) or, for the prompt-length check of
 * SPEC §1.4, speak of the prompt: recover the field for OpenAI's `param`.
 */
function paramOfEngineMessage(message: string): string | null {
  const quoted = /'([a-z_]+)'/.exec(message);
  if (quoted?.[1] !== undefined) return quoted[1];
  if (/prompt/i.test(message)) return 'prompt';
  return null;
}

function answer(kind: ApiErrorKind, message: string, param: string | null): HttpErrorAnswer {
  const mapping = HTTP_ERROR_TABLE[kind];
  return { status: mapping.status, body: { error: { message, type: mapping.type, param, code: mapping.code } } };
}

/** Any thrown value → the status and OpenAI error body to send. Unknown errors become a 500. */
export function toHttpError(error: unknown): HttpErrorAnswer {
  if (error instanceof ApiError) return answer(error.kind, error.message, error.param);
  if (error instanceof EngineError) return answer(error.kind, error.message, error.kind === 'invalid_request' ? paramOfEngineMessage(error.message) : null);
  if (error instanceof Error) {
    const kind = fastifyKind(error as FastifyLikeError);
    if (kind !== undefined) return answer(kind, fastifyMessage(kind, error as FastifyLikeError), null);
    return answer('internal', `Internal server error: ${error.message}`, null);
  }
  return answer('internal', `Internal server error: ${String(error)}`, null);
}
