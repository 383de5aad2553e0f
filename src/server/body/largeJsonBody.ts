// The application/json parser of every served model. Bodies up to LARGE_BODY_BYTES are parsed inline, as
// fastify does (a 64 KiB body holds the event loop a fraction of a millisecond); a larger one, on a route that
// prepares its bodies (PREPARED_BODY_ROUTE), stays the bytes the client sent, and the route hands them to its
// worker, which parses, checks and tokenizes them where they are parsed (src/server/body/bodyPreparer.ts).
import type { FastifyInstance } from 'fastify';
import { parseJsonBody } from './jsonBody.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'prepared': the route takes a large body as a LargeJsonBody (its bytes), not parsed. */
    readonly largeBody?: 'prepared';
    /** Above this many bytes a body is large for this route (default LARGE_BODY_BYTES). */
    readonly largeBodyBytes?: number;
  }
}

/**
 * Above this many bytes a body is left to the route's worker. Measured (bench/tokenizerOffload.bench.ts'
 * neighbour figures in docs/benchmarks-serve.md): JSON.parse of 64 KiB takes about 0.2 ms, a worker
 * round trip about as long; at 4 MiB the parse alone holds the loop 15–90 ms.
 */
export const LARGE_BODY_BYTES = 64 * 1024;

/** Route options of a route whose large bodies reach its handler unparsed. */
export const PREPARED_BODY_ROUTE = { config: { largeBody: 'prepared' } } as const;

/**
 * The pooling routes': a small body's texts are tokenized inline (by the engine), so a body is large for them
 * from 4 KiB on — at most about 4,000 characters of text inline, a few milliseconds of the loop (the tiny
 * preset encodes 2,048 characters in about 1.6 ms, OFFLOAD_THRESHOLDS in frontendTokenizer.ts).
 */
export const POOLING_PREPARED_BODY_ROUTE = { config: { largeBody: 'prepared', largeBodyBytes: 4096 } } as const;

/** A body larger than LARGE_BODY_BYTES, as the bytes the client sent (one Buffer that owns its memory). */
export class LargeJsonBody {
  constructor(readonly bytes: Buffer) {}
}

/** Replaces fastify's application/json parser: the same parse for small bodies, the raw bytes for large ones. */
export function registerJsonBodyParser(app: FastifyInstance, largeBodyBytes = LARGE_BODY_BYTES): void {
  app.removeContentTypeParser('application/json');
  // parseAs 'buffer': fastify collects the chunks and copies them once into one Buffer (no string concatenation).
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const { largeBody, largeBodyBytes: routeBytes } = request.routeOptions.config;
    if (largeBody === 'prepared' && body.length > (routeBytes ?? largeBodyBytes)) {
      done(null, new LargeJsonBody(body));
      return;
    }
    try {
      done(null, parseJsonBody(body.toString('utf8')));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
