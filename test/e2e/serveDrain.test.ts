// Graceful drain: after SIGTERM a replica keeps listening while its running requests finish, answers
// /health with 503 so a router takes it out, and refuses new requests with 503 so the router retries them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultModel } from '../../src/cli/commands/defaultModel.js';
import { runServe } from './support/runServe.js';
import { streamRequest } from './support/sseClient.js';

let root: string;
let modelDir: string;
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'spyre-drain-'));
  modelDir = ensureDefaultModel(join(root, 'tiny'), quiet);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('having spyre serve streaming one long request', () => {
  describe('when it is told to shut down', () => {
    it('should answer /health 503, refuse a new request with 503 draining, keep /metrics, and finish the running request', async () => {
      const running = await runServe({ flags: { model: modelDir, port: 0, maxModelLen: 2048, maxNumBatchedTokens: 128, logLevel: 'error', disableLogRequests: true }, env: {}, stderr: quiet, graceS: 60 });
      const streaming = streamRequest(`${running.url}/v1/completions`, { model: modelDir, prompt: 'Go on', max_tokens: 400, ignore_eos: true, stream: true });
      while (running.created.engine.numUnfinishedRequests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const stopped = running.shutdown('SIGTERM');

      expect((await fetch(`${running.url}/health`)).status).toBe(503);
      const refused = await fetch(`${running.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: modelDir, prompt: 'Hi', max_tokens: 2 }) });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'draining', message: expect.stringContaining('another replica') as unknown });
      const metrics = await fetch(`${running.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^vllm:num_requests_running\{[^}]*\} 1$/m);

      const result = await streaming;
      await stopped;
      const last = result.events.at(-1) as { choices?: { finish_reason: string | null }[] } | undefined;
      expect(last?.choices?.[0]?.finish_reason).toBe('length');
      expect(result.sawDone).toBe(true);
      await expect(fetch(`${running.url}/health`)).rejects.toThrow();
    });
  });
});
