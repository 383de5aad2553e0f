// Request bodies as fastify parses application/json (secure-json-parse, prototype poisoning refused), so a
// body parsed on the main thread and one parsed on a worker fail with the same error and the same 400.
import Fastify from 'fastify';

const defaultJsonParser = Fastify({ logger: false }).getDefaultJsonParser('error', 'error');

/** The parsed body, or fastify's own error (FST_ERR_CTP_EMPTY_JSON_BODY, FST_ERR_CTP_INVALID_JSON_BODY). */
export function parseJsonBody(text: string): unknown {
  let parsed: { readonly error: Error | null; readonly body: unknown } | undefined;
  defaultJsonParser(undefined as never, text, (error, body) => {
    parsed = { error: error ?? null, body };
  });
  if (parsed === undefined) throw new Error('The JSON body parser answered nothing.');
  if (parsed.error !== null) throw parsed.error;
  return parsed.body;
}
