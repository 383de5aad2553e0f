import { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerModelCommands } from '../../../../src/cli/commands/model.js';

async function runCli(args: readonly string[]): Promise<{ readonly stdout: string; readonly stderr: string; readonly error: unknown }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('spyre').exitOverride().configureOutput({ writeErr: (text) => (stderr += text), writeOut: (text) => (stdout += text) });
  registerModelCommands(program);
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'spyre', ...args]);
    return { stdout, stderr, error: undefined };
  } catch (error) {
    return { stdout, stderr, error };
  } finally {
    write.mockRestore();
  }
}

describe('having `spyre model build` with an encoder preset', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'spyre-cli-encoder-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('when the preset is tiny-embed, should write the embedding model and print its parameter count', async () => {
    const out = join(root, 'embed');
    const run = await runCli(['model', 'build', '--preset', 'tiny-embed', '--out', out]);
    expect(run.error).toBeUndefined();
    expect(existsSync(join(out, '1_Pooling/config.json'))).toBe(true);
    expect(run.stdout).toMatch(/built .*: 132,736 parameters, vocabulary 512, 0\.5 MB of fp32 weights \(inline\)/);
  });

  it('when the preset is tiny-cross-encoder, should write a classifier without pooling files', async () => {
    const out = join(root, 'cross');
    const run = await runCli(['model', 'build', '--preset', 'tiny-cross-encoder', '--out', out]);
    expect(run.error).toBeUndefined();
    expect(existsSync(join(out, 'onnx/model.onnx'))).toBe(true);
    expect(existsSync(join(out, 'modules.json'))).toBe(false);
    expect(run.stdout).toContain('136,961 parameters');
  });
});
