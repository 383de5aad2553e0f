// `spyre serve`'s composition root in-process: startup on a free port and the graceful shutdown.
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
  root = mkdtempSync(join(tmpdir(), 'spyre-serve-'));
  modelDir = ensureDefaultModel(join(root, 'tiny'), quiet);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function startQuiet(graceS: number): ReturnType<typeof runServe> {
  return runServe({ flags: { model: modelDir, port: 0, maxModelLen: 2048, maxNumBatchedTokens: 128, logLevel: 'error', disableLogRequests: true }, env: {}, stderr: quiet, graceS });
}

function finishReason(events: readonly Record<string, unknown>[]): string | undefined {
  const withChoice = events.filter((event) => Array.isArray(event['choices']) && (event['choices'] as unknown[]).length > 0);
  return (withChoice.at(-1)?.['choices'] as { finish_reason: string | null }[] | undefined)?.[0]?.finish_reason ?? undefined;
}

describe('having spyre serve started on a free port', () => {
  describe('when it shuts down with a long grace period while a request streams', () => {
    it('should let the request finish by length, refuse new connections, and stop', async () => {
      const running = await startQuiet(60);
      expect((await fetch(`${running.url}/health`)).status).toBe(200);
      const streaming = streamRequest(`${running.url}/v1/completions`, { model: modelDir, prompt: 'Go on', max_tokens: 300, ignore_eos: true, stream: true });
      while (running.created.engine.numUnfinishedRequests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await running.shutdown('SIGTERM');
      const result = await streaming;
      expect(finishReason(result.events)).toBe('length');
      expect(result.sawDone).toBe(true);
      await expect(fetch(`${running.url}/health`)).rejects.toThrow();
    });
  });

  describe('when it shuts down with no grace period while a request streams', () => {
    it('should abort the request, end its stream with finish reason abort and [DONE], and stop', async () => {
      const running = await startQuiet(0);
      const streaming = streamRequest(`${running.url}/v1/completions`, { model: modelDir, prompt: 'Go on', max_tokens: 1500, ignore_eos: true, stream: true });
      while (running.created.engine.numUnfinishedRequests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await running.shutdown('SIGINT');
      const result = await streaming;
      expect(finishReason(result.events)).toBe('abort');
      expect(result.sawDone).toBe(true);
      expect(running.created.engine.numUnfinishedRequests).toBe(0);
    });
  });
});

describe('having no default model yet', () => {
  describe('when ensureDefaultModel runs twice', () => {
    it('should build the tiny preset once and leave the built model alone the second time', async () => {
      const { statSync } = await import('node:fs');
      const dir = join(root, 'again');
      ensureDefaultModel(dir, quiet);
      const builtAt = statSync(join(dir, 'onnx', 'model.onnx')).mtimeMs;
      ensureDefaultModel(dir, quiet);
      expect(statSync(join(dir, 'onnx', 'model.onnx')).mtimeMs).toBe(builtAt);
      expect(statSync(join(dir, 'tokenizer.json')).isFile()).toBe(true);
    });
  });
});
