// `spyre serve` on a pooling model in-process: startup on a free port and the graceful shutdown, with a
// call in flight that is either let finish (long grace) or failed (no grace).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../src/server/serve/startServe.js';
import type { RunningPoolingServer } from '../../src/server/serve/startServe.js';
import { buildTempEncoder, type TempEncoder } from '../support/tinyEncoder.js';

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
const INPUTS = Array.from({ length: 200 }, (_, row) => Array.from({ length: 100 }, (_, column) => 3 + ((row + column) % 400)));
let encoder: TempEncoder;

beforeAll(() => {
  encoder = buildTempEncoder('tiny-embed');
});
afterAll(() => {
  encoder?.remove();
});

async function startQuiet(graceS: number): Promise<RunningPoolingServer> {
  const started = await startServe({
    flags: { model: encoder.dir, port: 0, task: 'embed', logLevel: 'critical', disableLogRequests: true },
    env: { VLLM_SPYRE_WARMUP_PROMPT_LENS: '128', VLLM_SPYRE_WARMUP_BATCH_SIZES: '1' },
    stderr: quiet,
    graceS,
  });
  if (started.kind !== 'pooling') throw new Error('--task embed did not start the pooling server');
  return started.running;
}

interface CallAnswer {
  readonly status: number;
  readonly body: { data?: unknown[]; error?: { message: string } };
}

/** Starts a call of 200 inputs (about 200 batches) and returns once the server has it in flight. */
async function startLongCall(running: RunningPoolingServer): Promise<{ pending: Promise<CallAnswer> }> {
  const pending = fetch(`${running.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: INPUTS, encoding_format: 'float' }) })
    .then(async (response) => ({ status: response.status, body: (await response.json()) as CallAnswer['body'] }));
  pending.catch(() => undefined); // awaited by the test; a rejection before then is not unhandled
  while (running.server.context.metrics.numUnfinishedRequests === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  return { pending };
}

describe('having spyre serve --task embed started on a free port', () => {
  describe('when it shuts down with a long grace period while a call of 200 inputs runs', () => {
    it('should answer the call whole, refuse new connections, and stop', async () => {
      const running = await startQuiet(60);
      const { pending } = await startLongCall(running);
      await running.shutdown('SIGTERM');
      const answer = await pending;
      expect(answer.status).toBe(200);
      expect(answer.body.data).toHaveLength(200);
      await expect(fetch(`${running.url}/health`)).rejects.toThrow();
    });
  });

  describe('when it shuts down with no grace period while a call of 200 inputs runs', () => {
    it('should fail the call with the engine shut down, and stop', async () => {
      const running = await startQuiet(0);
      const { pending } = await startLongCall(running);
      await running.shutdown('SIGINT');
      const answer = await pending.catch((error: unknown) => ({ status: 0, body: { error: { message: String(error) } } }));
      expect(answer.status).toBe(500);
      expect(answer.body.error?.message).toMatch(/shut down before the request ran/);
      expect(running.server.context.metrics.numUnfinishedRequests).toBe(0);
    });
  });
});
