// `spyre generate` and `spyre serve` with VLLM_SPYRE_DYNAMO_BACKEND=sendnn / sendnn_compile_only, as processes.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swapFirstOperator } from '../support/onnxRewrite.js';
import { buildTinyModel, type TinyModelDir } from '../support/tinyModel.js';

const run = promisify(execFile);
let tiny: TinyModelDir;
let cacheRoot: string;

beforeAll(() => {
  tiny = buildTinyModel(9);
  cacheRoot = mkdtempSync(join(tmpdir(), 'spyre-e2e-sendnn-'));
});
afterAll(() => {
  tiny.remove();
  rmSync(cacheRoot, { recursive: true, force: true });
});

const spyre = (env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string }> =>
  run(process.execPath, ['bin/spyre.js', ...args], { cwd: process.cwd(), env: { ...process.env, SPYRE_SENDNN_DEVICE_MEMORY_BYTES: String(1024 ** 3), ...env } });

const ENGINE = ['--max-model-len', '256', '--max-num-seqs', '2', '--max-num-batched-tokens', '64'];

describe('spyre generate with VLLM_SPYRE_DYNAMO_BACKEND=sendnn', () => {
  describe('when run greedily with --json', () => {
    it('should print the same text, token ids and finish reason as eager', async () => {
      const args = ['generate', '--model', tiny.dir, ...ENGINE, '--max-tokens', '12', '--temperature', '0', '--json', 'Once upon a time'];
      const eager = JSON.parse((await spyre({ VLLM_SPYRE_DYNAMO_BACKEND: 'eager' }, ...args)).stdout) as { token_ids: number[] };
      const sendnn = await spyre({ VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, ...args, '--log-level', 'info');
      expect(JSON.parse(sendnn.stdout)).toEqual(eager);
      expect(eager.token_ids.length).toBeGreaterThan(0);
      expect(sendnn.stderr).toMatch(/\[sendnn\] warmup done in [\d.]+ s: 0 from the cache, 3 compiled, 0 recompiled; compilation cache disabled/);
      const twoCards = await spyre({ VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, ...args, '-tp', '2', '--log-level', 'info');
      expect(JSON.parse(twoCards.stdout)).toEqual(eager);
      expect(twoCards.stderr).toMatch(/\[sendnn\] device memory, each of 2 card\(s\): \d+ of 1073741824 bytes in use/);
    });
  });

  describe('when the cards are too small', () => {
    it('should exit 2 with each card\'s need, what it has and what to change', async () => {
      const args = ['generate', '--model', tiny.dir, ...ENGINE, '-tp', '2', '--max-tokens', '4', 'hi'];
      const refused = spyre({ VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', SPYRE_SENDNN_DEVICE_MEMORY_BYTES: '500000' }, ...args);
      await expect(refused).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/device memory exceeded at warmup, on 2 card\(s\) \(--tensor-parallel-size 2\): card 0 needs \d+ bytes .* but has 500000 free of 500000 .*; card 1 needs .*give each card more memory \(SPYRE_SENDNN_DEVICE_MEMORY_BYTES\)/),
      });
    });
  });
});

describe('spyre generate with sendnn on models this project did not build', () => {
  // onnxruntime writes its own log lines ("[E:onnxruntime:, …]", "[W:onnxruntime:, …]") straight to stderr.
  const ORT_NOISE = /onnxruntime:|invalid expand shape/;

  it('should print eager\'s output for the ORT GenAI float16 Llama export, with no onnxruntime log line on stderr', async () => {
    const model = '/work/shared/fixtures/real-models/ortgenai-tiny-llama-fp16';
    const args = ['generate', '--model', model, ...ENGINE, '--max-tokens', '8', '--temperature', '0', '--json', 'Once upon a time'];
    const eager = await spyre({ VLLM_SPYRE_DYNAMO_BACKEND: 'eager' }, ...args);
    const sendnn = await spyre({ VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, ...args);
    expect(JSON.parse(sendnn.stdout)).toEqual(JSON.parse(eager.stdout));
    expect(eager.stderr).not.toMatch(ORT_NOISE);
    expect(sendnn.stderr).not.toMatch(ORT_NOISE);
  });

  it('should exit 2 naming the operator the sendnn programs do not compute, where eager serves the model', async () => {
    const odd = buildTinyModel(11);
    try {
      const node = swapFirstOperator(join(odd.dir, 'onnx', 'model.onnx'), 'Sigmoid', 'HardSigmoid');
      const args = ['generate', '--model', odd.dir, ...ENGINE, '--max-tokens', '4', '--temperature', '0', '--json', 'hi'];
      expect(JSON.parse((await spyre({ VLLM_SPYRE_DYNAMO_BACKEND: 'eager' }, ...args)).stdout)).toMatchObject({ finish_reason: 'length' });
      const refused = await spyre({ VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, ...args).then(() => undefined, (error: { code: number; stderr: string }) => error);
      expect(refused?.code).toBe(2);
      expect(refused?.stderr).toContain(`cannot map ${join(odd.dir, 'onnx', 'model.onnx')} onto a sendnn program: operator HardSigmoid (node ${node}) is not part of a Llama decoder`);
      expect(refused?.stderr).toContain('Serve this model with VLLM_SPYRE_DYNAMO_BACKEND=eager.');
      expect(refused?.stderr).not.toMatch(ORT_NOISE);
      expect(refused?.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      odd.remove();
    }
  });
});

describe('VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only from the command line', () => {
  it('should compile, print the summary and exit 0 (generate and serve), then serve generate from the cache with precompiled decoders required', async () => {
    const cacheDir = join(cacheRoot, 'cache');
    const cache = { TORCH_SENDNN_CACHE_ENABLE: '1', TORCH_SENDNN_CACHE_DIR: cacheDir };
    const compiled = await spyre({ ...cache, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only' }, 'generate', '--model', tiny.dir, ...ENGINE, 'unused prompt');
    expect(compiled.stdout).toMatch(/^sendnn_compile_only: 3 programs in .*\(3 compiled, 0 recompiled, 0 already in the cache\)/);
    expect(existsSync(join(cacheDir, 'pre_compiled_cache_catalog.json'))).toBe(true);
    const served = await spyre({ ...cache, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only' }, 'serve', tiny.dir, ...ENGINE, '--port', '0');
    expect(served.stdout).toMatch(/^sendnn_compile_only: 3 programs in .*\(0 compiled, 0 recompiled, 3 already in the cache\)/);
    expect(served.stderr).not.toMatch(/Serving /);
    const args = ['generate', '--model', tiny.dir, ...ENGINE, '--max-tokens', '6', '--temperature', '0', '--json', 'hello'];
    const required = await spyre({ ...cache, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS: '1' }, ...args, '--log-level', 'info');
    expect(required.stderr).toMatch(/3 from the cache, 0 compiled/);
    expect(JSON.parse(required.stdout)).toEqual(JSON.parse((await spyre({}, ...args)).stdout));
    const otherChunk = spyre({ ...cache, VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS: '1' }, ...args.map((arg) => (arg === '64' ? '128' : arg)));
    await expect(otherChunk).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: RuntimeError: Compilation disabled: the prefill chunk 128/m) });
  });
});
