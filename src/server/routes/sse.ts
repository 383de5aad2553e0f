import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { toHttpError } from '../errors/openAiError.js';

/** A server-sent-events answer written straight to the socket (fastify steps aside). */
export class SseWriter {
  private readonly response: ServerResponse;

  constructor(reply: FastifyReply) {
    reply.hijack();
    this.response = reply.raw;
    this.response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  }

  get isOpen(): boolean {
    return !this.response.destroyed && !this.response.writableEnded;
  }

  send(data: unknown): void {
    if (this.isOpen) this.response.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** An error after the headers went out: one `data: {"error": …}` event (vLLM does the same). */
  sendError(error: unknown): void {
    this.send(toHttpError(error).body);
  }

  end(): void {
    if (!this.isOpen) return;
    this.response.write('data: [DONE]\n\n');
    this.response.end();
  }
}
