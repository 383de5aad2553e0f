import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTempEncoder, type TempEncoder } from '../support/tinyEncoder.js';
import { buildTinyModel, type TinyModelDir } from '../support/tinyModel.js';

const run = promisify(execFile);

/** Runs `spyre <args>` and returns its exit code and stderr (a non-zero exit does not throw). */
async function spyre(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, ['bin/spyre.js', ...args], { cwd: process.cwd(), timeout: 60_000 });
    return { code: 0, stderr };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

interface BrokenDir {
  readonly name: string;
  /** The file the error line must name. */
  readonly file: string;
  /** Breaks a fresh copy of a working model at `dir` (`foreignOnnx`: a model.onnx of the other kind); returns the directory to pass. */
  readonly make: (dir: string, foreignOnnx: string) => string;
}

let tiny: TinyModelDir;
let encoder: TempEncoder;
let root: string;

const BROKEN: readonly BrokenDir[] = [
  { name: 'a directory that does not exist', file: 'no-such-model', make: (dir) => join(dir, 'no-such-model') },
  { name: 'no config.json', file: 'config.json', make: (dir) => (unlinkSync(join(dir, 'config.json')), dir) },
  { name: 'a config.json that is not JSON', file: 'config.json', make: (dir) => (writeFileSync(join(dir, 'config.json'), '{"model_type": "llama",'), dir) },
  { name: 'a tokenizer.json that is not JSON', file: 'tokenizer.json', make: (dir) => (writeFileSync(join(dir, 'tokenizer.json'), 'not json'), dir) },
  { name: 'a genai_config.json that is not JSON', file: 'genai_config.json', make: (dir) => (writeFileSync(join(dir, 'genai_config.json'), '[1, 2'), dir) },
  { name: 'no model.onnx', file: 'model.onnx', make: (dir) => (rmSync(join(dir, 'onnx'), { recursive: true }), dir) },
  {
    name: 'a model.onnx of another architecture (an encoder)',
    file: 'model.onnx',
    make: (dir, foreignOnnx) => (copyFileSync(foreignOnnx, join(dir, 'onnx', 'model.onnx')), dir),
  },
];

/** Each command with the model kind it serves: generate and serve break a decoder, embed an encoder. */
const COMMANDS: readonly [string, 'decoder' | 'encoder', (dir: string) => string[]][] = [
  ['serve', 'decoder', (dir) => ['serve', dir, '--port', '0']],
  ['generate', 'decoder', (dir) => ['generate', '--model', dir, '--max-model-len', '128', 'hello']],
  ['embed', 'encoder', (dir) => ['embed', '--model', dir, 'hello']],
];

beforeAll(() => {
  tiny = buildTinyModel();
  encoder = buildTempEncoder('tiny-embed');
  root = mkdtempSync(join(tmpdir(), 'spyre-broken-'));
}, 60_000);
afterAll(() => {
  tiny.remove();
  encoder.remove();
  rmSync(root, { recursive: true, force: true });
});

describe('having a table of broken model directories', () => {
  BROKEN.forEach((broken, index) => {
    it(`when serve, generate and embed are given ${broken.name}, should each exit 2 with one error line naming ${broken.file} and no stack trace`, async () => {
      const results = await Promise.all(
        COMMANDS.map(async ([name, kind, args]) => {
          const [source, foreign] = kind === 'decoder' ? [tiny.dir, encoder.dir] : [encoder.dir, tiny.dir];
          const copy = join(root, `${index}-${name}`);
          cpSync(source, copy, { recursive: true });
          const dir = broken.make(copy, join(foreign, 'onnx', 'model.onnx'));
          return { name, ...(await spyre(...args(dir))) };
        }),
      );
      for (const result of results) {
        expect({ command: result.name, code: result.code }).toEqual({ command: result.name, code: 2 });
        const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
        expect(errorLines, `${result.name}: ${result.stderr}`).toHaveLength(1);
        expect(errorLines[0]).toContain(broken.file);
        expect(result.stderr, `${result.name} printed a stack trace`).not.toMatch(/\n\s+at /);
      }
    }, 120_000);
  });
});
