import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/sharedPaths.js';

const SPYRE = join(REPO_ROOT, 'bin/spyre.js');

function help(...args: string[]): string {
  return execFileSync(process.execPath, [SPYRE, ...args, '--help'], { encoding: 'utf8', cwd: '/' });
}

describe('having the spyre command', () => {
  it('should list every subcommand in its help, serving first, started from any directory', () => {
    const text = help();
    const commands = ['serve', 'generate', 'embed', 'model', 'sim', 'catalog', 'bench'];
    for (const command of commands) expect(text).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    const listed = [...text.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]).filter((name) => commands.includes(name!));
    expect(listed).toEqual(commands);
  });

  it("should print the package's version with --version, as vllm --version does", () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(execFileSync(process.execPath, [SPYRE, '--version'], { encoding: 'utf8', cwd: '/' }).trim()).toBe(version);
  });

  const nested: readonly string[][] = [['model', 'build'], ['sim', 'replay'], ['sim', 'run'], ['sim', 'sweep'], ['sim', 'tune'], ['sim', 'plan'], ['sim', 'merge'], ['sim', 'calibrate'], ['catalog', 'add'], ['bench', 'serve']];
  for (const path of nested) {
    it(`should answer 'spyre ${path.join(' ')} --help' with its usage`, () => {
      expect(help(...path)).toContain(`Usage: spyre ${path.join(' ')}`);
    });
  }
});

describe('having the engine flags shared by serve, generate and embed', () => {
  function failure(args: string[]): string {
    try {
      execFileSync(process.execPath, [SPYRE, ...args], { encoding: 'utf8', cwd: '/', stdio: 'pipe' });
    } catch (error) {
      return String((error as { stderr?: string }).stderr);
    }
    throw new Error('expected the command to fail');
  }

  it('when generate gets an invalid engine flag, should name the flag before loading anything', () => {
    expect(failure(['generate', '--model', '/nonexistent', '--max-num-seqs', '0', 'hi'])).toMatch(/--max-num-seqs <n>.*positive integer/);
    expect(failure(['generate', '--model', '/nonexistent', '-tp', 'two', 'hi'])).toMatch(/--tensor-parallel-size <n>.*'two'/);
  });

  it("should take vLLM's -tp wherever a command has --tensor-parallel-size, naming that flag when its value is wrong", () => {
    for (const args of [['serve', '/nonexistent'], ['catalog', 'add', '/nonexistent']]) expect(failure([...args, '-tp', 'two'])).toMatch(/--tensor-parallel-size <n>.*'two'/);
    const calibrate = failure(['sim', 'calibrate', '--out', '/nonexistent/p.json', '--host-overhead', '-tp', '2']);
    expect(calibrate).not.toContain('unknown option');
    expect(calibrate).toContain('--host-overhead needs --model DIR');
  });

  it('when an output path cannot be written, should say so in one line, not with a stack trace', () => {
    const text = failure(['sim', 'calibrate', '--out', '/nonexistent-dir/profile.json', '--chunk-sizes', '64', '--context-chunks', '1', '--batch-sizes', '1', '--tkvs', '64', '--repeats', '1', '--warmup', '0']);
    expect(text).toMatch(/^error: ENOENT: no such file or directory, open '\/nonexistent-dir\/profile\.json'; check the path/m);
    expect(text).not.toMatch(/^\s+at /m);
  });

  it('when generate names a model directory that does not exist, should say which file is missing', () => {
    expect(failure(['generate', '--model', '/nonexistent-model-dir', 'hi'])).toContain('/nonexistent-model-dir');
  });
});
