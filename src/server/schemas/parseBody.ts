import type { z } from 'zod';
import { ApiError } from '../errors/apiError.js';

/**
 * Parses a request body with `schema`, or throws a 400 ApiError whose message and `param` name the
 * first field at fault: "'max_tokens': must be at least 1".
 */
export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError('invalid_request', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ApiError('invalid_request', 'The request body is invalid.');
  const param = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  const message = param !== null ? `'${param}': ${issue.message}` : issue.message;
  throw new ApiError('invalid_request', message, param);
}
