// A real server on loopback over the real tiny model, built into a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { createLlmEngine, type CreatedLlmEngine } from '../../../src/app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import type { EngineFlags } from '../../../src/core/config/engineFlags.js';
import { buildModel } from '../../../src/models/build/index.js';
import { createServer, type CreateServerOptions, type SpyreServer } from '../../../src/server/createServer.js';

export const SERVED_MODEL = 'tiny';

export interface ServerRig {
  readonly baseUrl: string;
  readonly client: OpenAI;
  readonly created: CreatedLlmEngine;
  readonly server: SpyreServer;
  close(): Promise<void>;
}

export interface ServerRigOptions {
  readonly flags?: Omit<EngineFlags, 'model'>;
  readonly env?: Record<string, string>;
  readonly server?: CreateServerOptions;
}

/** Builds the tiny model, starts the engine and the server on 127.0.0.1 (port 0) and an OpenAI client. */
export async function startServerRig(options: ServerRigOptions = {}): Promise<ServerRig> {
  const root = mkdtempSync(join(tmpdir(), 'spyre-e2e-'));
  const modelDir = join(root, 'tiny');
  buildModel({ preset: 'tiny', outDir: modelDir });
  const created = await createLlmEngine({
    flags: { model: modelDir, servedModelName: SERVED_MODEL, maxModelLen: 512, maxNumSeqs: 8, maxNumBatchedTokens: 128, disableLogRequests: true, ...options.flags },
    env: options.env ?? {},
    logger: SILENT_LOGGER,
    intraOpNumThreads: 1,
  });
  const server = createServer(created.engine, created.config, { vocabSize: created.model.vocabSize, ...options.server });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server did not bind a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: created.config.apiKey ?? 'unused', maxRetries: 0, timeout: 30_000 });
  return {
    baseUrl,
    client,
    created,
    server,
    close: async () => {
      await server.app.close();
      await created.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** POSTs raw bytes (for bodies no client would send). */
export async function postRaw(baseUrl: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** Waits (bounded: `attempts` × 10 ms) until the rig's engine holds no request; an abort after a disconnect is asynchronous. */
export async function engineDrained(rig: ServerRig, attempts = 200): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stats = rig.created.engine.core.stats();
    if (stats.numRunning === 0 && stats.numWaiting === 0 && rig.created.engine.numUnfinishedRequests === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the engine did not drain: ${JSON.stringify(rig.created.engine.core.stats())}`);
}
