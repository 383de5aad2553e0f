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

  const nested: readonly string[][] = [['model', 'build'], ['sim', 'replay'], ['sim', 'run'], ['sim', 'sweep'], ['sim', 'tune'], ['sim', 'calibrate'], ['catalog', 'add'], ['bench', 'serve']];
  for (const path of nested) {
    it(`should answer 'spyre ${path.join(' ')} --help' with its usage`, () => {
      expect(help(...path)).toContain(`Usage: spyre ${path.join(' ')}`);
    });
  }
});
