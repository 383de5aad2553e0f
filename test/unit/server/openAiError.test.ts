import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EngineError, type EngineErrorKind } from '../../../src/core/contracts/errors.js';
import { ApiError } from '../../../src/server/errors/apiError.js';
import { HTTP_ERROR_TABLE } from '../../../src/server/errors/errorTable.js';
import { toHttpError } from '../../../src/server/errors/openAiError.js';
import { parseBody } from '../../../src/server/schemas/parseBody.js';

describe('having the HTTP error mapping', () => {
  const engineKinds: readonly [EngineErrorKind, number][] = [
    ['invalid_request', 400], ['invalid_scenario', 400], ['unknown_request', 404], ['invalid_config', 500], ['invariant_violated', 500], ['backend_failed', 500],
  ];
  for (const [kind, status] of engineKinds) {
    it(`when the engine throws ${kind}, should answer ${status} in OpenAI's shape with its message`, () => {
      const answer = toHttpError(new EngineError(kind, `something about ${kind}`));
      expect(answer.status).toBe(status);
      expect(answer.body.error.message).toBe(`something about ${kind}`);
      expect(answer.body.error.type).toBe(HTTP_ERROR_TABLE[kind].type);
    });
  }

  it("when an engine message quotes a field, should name it as param; the prompt-length text names 'prompt'", () => {
    expect(toHttpError(new EngineError('invalid_request', "'top_p' must be in (0, 1], got 2.")).body.error.param).toBe('top_p');
    expect(toHttpError(new EngineError('invalid_request', 'Could not add request: prompt length is 600 tokens, …')).body.error.param).toBe('prompt');
  });

  it('when fastify refuses a body as too large or not JSON, should answer 413 or 400', () => {
    expect(toHttpError(Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).status).toBe(413);
    const invalidJson = toHttpError(Object.assign(new Error('Unexpected token'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }));
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body.error.message).toMatch(/not valid JSON/);
  });

  it('when something unexpected is thrown, should answer 500 without losing the message', () => {
    const answer = toHttpError(new TypeError('x is undefined'));
    expect(answer).toMatchObject({ status: 500, body: { error: { type: 'internal_server_error', message: 'Internal server error: x is undefined' } } });
  });

  it('when the server raises an ApiError, should keep its kind, message and param', () => {
    expect(toHttpError(new ApiError('unauthorized', 'no', 'authorization'))).toEqual({
      status: 401, body: { error: { message: 'no', type: 'authentication_error', param: 'authorization', code: 'invalid_api_key' } },
    });
  });
});

describe('having parseBody', () => {
  const schema = z.object({ model: z.string(), options: z.object({ depth: z.number().int() }) });

  it('when a nested field has the wrong type, should throw a 400 naming its path', () => {
    expect(() => parseBody(schema, { model: 'm', options: { depth: 'deep' } })).toThrow(expect.objectContaining({ kind: 'invalid_request', param: 'options.depth', message: expect.stringMatching(/^'options\.depth': /) }));
  });

  it('when the body is not an object, should say so', () => {
    expect(() => parseBody(schema, 'text')).toThrow(/must be a JSON object/);
  });

  it('when the body is valid, should return the parsed data', () => {
    expect(parseBody(schema, { model: 'm', options: { depth: 2 }, extra: true })).toEqual({ model: 'm', options: { depth: 2 } });
  });
});
