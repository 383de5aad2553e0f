import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/sharedPaths.js';

const SPYRE = join(REPO_ROOT, 'bin/spyre.js');

function help(...args: string[]): string {
  return execFileSync(process.execPath, [SPYRE, ...args, '--help'], { encoding: 'utf8', cwd: '/' });
}

describe('having the spyre command', () => {
  it('should list every subcommand in its help, started from any directory', () => {
    const text = help();
    for (const command of ['serve', 'generate', 'embed', 'model', 'sim', 'catalog', 'bench']) expect(text).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
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

  it('when generate names a model directory that does not exist, should say which file is missing', () => {
    expect(failure(['generate', '--model', '/nonexistent-model-dir', 'hi'])).toContain('/nonexistent-model-dir');
  });
});
