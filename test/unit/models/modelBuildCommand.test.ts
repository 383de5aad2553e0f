import { Command } from 'commander';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerModelCommands } from '../../../src/cli/commands/model.js';

interface CliRun {
  readonly error: Error | undefined;
  readonly stderr: string;
  readonly stdout: string;
}

async function runCli(args: readonly string[]): Promise<CliRun> {
  let stderr = '';
  let stdout = '';
  const program = new Command('spyre').exitOverride().configureOutput({ writeErr: (text) => (stderr += text), writeOut: (text) => (stdout += text) });
  registerModelCommands(program);
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'spyre', ...args]);
    return { error: undefined, stderr, stdout };
  } catch (error) {
    return { error: error as Error, stderr, stdout };
  } finally {
    write.mockRestore();
  }
}

describe('having the `spyre model build` command', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'spyre-cli-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('when the preset is unknown, should fail and list the valid presets', async () => {
    const run = await runCli(['model', 'build', '--preset', 'huge', '--out', join(root, 'm')]);
    expect(run.error).toBeDefined();
    expect(run.stderr).toContain('unknown preset "huge"; valid presets: tiny, tiny-granite, small-100m, tiny-embed, tiny-cross-encoder.');
    expect(existsSync(join(root, 'm'))).toBe(false);
  });

  it('when the seed is not an integer, should fail naming the allowed range', async () => {
    const run = await runCli(['model', 'build', '--preset', 'tiny', '--out', join(root, 'm'), '--seed', '1.5']);
    expect(run.stderr).toContain('the seed must be an integer from 0 to 4294967295.');
  });

  it('when given the tiny preset, should build the directory and print a summary', async () => {
    const out = join(root, 'm');
    const run = await runCli(['model', 'build', '--preset', 'tiny', '--out', out, '--seed', '3']);
    expect(run.error).toBeUndefined();
    expect(existsSync(join(out, 'onnx/model.onnx'))).toBe(true);
    expect(run.stdout).toMatch(/built .*: 158,016 parameters, vocabulary 512, 0\.8 MB of fp32 weights \(inline\)/);
  });

  it('when the output directory is not empty, should refuse without --force and build with it', async () => {
    const out = join(root, 'm');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    const refused = await runCli(['model', 'build', '--preset', 'tiny', '--out', out]);
    expect(refused.stderr).toContain('is not empty; pass --force');
    expect(existsSync(join(out, 'config.json'))).toBe(false);
    const forced = await runCli(['model', 'build', '--preset', 'tiny', '--out', out, '--force']);
    expect(forced.error).toBeUndefined();
    expect(existsSync(join(out, 'config.json'))).toBe(true);
    expect(existsSync(join(out, 'notes.txt'))).toBe(true);
  });
});
