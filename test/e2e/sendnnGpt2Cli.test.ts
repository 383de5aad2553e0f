// `spyre generate` and `spyre serve` (processes) on sendnn with the ORT GPT-2 export, whose legacy stacked-past
// layout the eager backend refuses: the tokens are onnxruntime's own greedy tokens on the very graph.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { TokenizerTextCodec } from '../../src/app/tokenizerTextCodec.js';
import { readModelDir } from '../../src/models/dir/index.js';
import { openLegacyGpt2Oracle } from '../support/legacyGpt2Oracle.js';
import { freePort, until } from '../support/loopback.js';
import { REAL_MODEL_FIXTURES } from '../support/sharedPaths.js';

const run = promisify(execFile);
const SPYRE = join(import.meta.dirname, '..', '..', 'bin', 'spyre.js');
const GPT2 = join(REAL_MODEL_FIXTURES, 'ortgenai-tiny-gpt2-legacy-past');
const ENV = { ...process.env, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', SPYRE_SENDNN_DEVICE_MEMORY_BYTES: String(1024 ** 3) };
const ENGINE = ['--max-model-len', '256', '--max-num-seqs', '2', '--max-num-batched-tokens', '64'];
// onnxruntime writes its own log lines ("[E:onnxruntime:, …]", "[W:onnxruntime:, …]") straight to stderr.
const ORT_NOISE = /onnxruntime:|invalid expand shape/;

/** onnxruntime's greedy continuation of `prompt` on the export (5 layers, 4 heads of 8, vocabulary 1000). */
async function onnxruntimeGreedy(prompt: readonly number[], maxTokens: number): Promise<number[]> {
  const oracle = await openLegacyGpt2Oracle(join(GPT2, 'onnx', 'model.onnx'), 5, 4, 8, 1000);
  try {
    return (await oracle.greedy(prompt, maxTokens)).tokens;
  } finally {
    await oracle.release();
  }
}

describe('having the ORT GPT-2 export (legacy stacked past) on VLLM_SPYRE_DYNAMO_BACKEND=sendnn', () => {
  describe('when spyre generate runs greedily with --json', () => {
    it('should print onnxruntime\'s greedy tokens, with no onnxruntime log line on stderr', async () => {
      const text = 'The quick brown fox jumps over the lazy dog';
      const prompt = TokenizerTextCodec.fromModelDir(readModelDir(GPT2), 1000).encode(text);
      const args = [SPYRE, 'generate', '--model', GPT2, ...ENGINE, '--max-tokens', '10', '--temperature', '0', '--json', text];
      const { stdout, stderr } = await run(process.execPath, args, { env: ENV });
      expect((JSON.parse(stdout) as { token_ids: number[] }).token_ids).toEqual(await onnxruntimeGreedy(prompt, 10));
      expect(stderr).not.toMatch(ORT_NOISE);
    });
  });

  describe('when spyre generate runs it on the eager backend', () => {
    it('should still exit 2 with the eager loader\'s refusal of the stacked past', async () => {
      const args = [SPYRE, 'generate', '--model', GPT2, ...ENGINE, '--max-tokens', '4', 'hi'];
      const refused = await run(process.execPath, args, { env: { ...ENV, VLLM_SPYRE_DYNAMO_BACKEND: 'eager' } }).then(() => undefined, (error: { code: number; stderr: string }) => error);
      expect(refused?.code).toBe(2);
      expect(refused?.stderr).toContain('uses the legacy ORT GPT-2 KV layout (stacked');
    });
  });

  describe('when spyre serve answers one completion through the openai client', () => {
    it('should return onnxruntime\'s greedy tokens, then drain on SIGTERM with no onnxruntime log line on stderr', async () => {
      const port = await freePort();
      const server = spawn(process.execPath, [SPYRE, 'serve', GPT2, ...ENGINE, '--port', String(port), '--served-model-name', 'gpt2'], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      server.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
      try {
        const exitedEarly = exited.then((code) => Promise.reject(new Error(`spyre serve exited with ${String(code)} before serving: ${stderr}`)));
        await Promise.race([until('spyre serve on the GPT-2 export', async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 60_000), exitedEarly]);
        const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 30_000 });
        const prompt = [464, 2068, 7586, 21831, 18045, 625, 262].map((id) => id % 1000);
        const completion = await client.completions.create({ model: 'gpt2', prompt, max_tokens: 8, temperature: 0 });
        const expected = await onnxruntimeGreedy(prompt, 8);
        const codec = TokenizerTextCodec.fromModelDir(readModelDir(GPT2), 1000);
        expect(completion.choices[0]?.text).toBe(codec.decode(expected));
        expect(completion.usage?.completion_tokens).toBe(8);
      } finally {
        server.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
      expect(stderr).toMatch(/Serving gpt2 on /);
      expect(stderr).not.toMatch(ORT_NOISE);
    });
  });
});
