import type { FastifyInstance } from 'fastify';
import { EngineError } from '../../core/contracts/errors.js';

/**
 * Starts listening and returns the server's URL (with the port the OS chose for port 0). On failure the
 * engine is released first, so a refused port never leaves a loaded model behind.
 */
export async function listenOrRelease(app: FastifyInstance, host: string, port: number, release: () => Promise<void>): Promise<string> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    await release();
    throw new EngineError('invalid_config', `could not listen on ${host}:${port}: ${(error as Error).message}`);
  }
  const address = app.server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
}
