import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerServeCommand } from '../../../src/cli/commands/serve.js';
import { engineFlagsFrom as toEngineFlags, rewriteVllmShortFlags } from '../../../src/cli/engineFlagOptions.js';

function parseError(args: readonly string[]): string {
  const program = new Command('spyre').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerServeCommand(program);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    program.parse(['node', 'spyre', 'serve', ...args]);
  } catch (error) {
    if (error instanceof CommanderError) return error.message;
    throw error;
  }
  throw new Error('parsing succeeded');
}

describe('having the spyre serve flags', () => {
  const invalid: readonly [string[], RegExp][] = [
    [['--port', 'eighty'], /--port <port>.*'eighty'/],
    [['--port', '70000'], /--port <port>.*0 to 65535/],
    [['--max-model-len', '0'], /--max-model-len <n>.*positive integer/],
    [['--max-num-seqs', '-3'], /--max-num-seqs <n>/],
    [['--max-num-batched-tokens', '1.5'], /--max-num-batched-tokens <n>.*positive integer/],
    [['-tp', 'two'], /--tensor-parallel-size <n>.*'two'/],
    [['--task', 'dance'], /--task <task>.*generate, embed, score, classify/],
    [['--log-level', 'loud'], /--log-level <level>/],
  ];
  for (const [args, message] of invalid) {
    it(`when given ${args.join(' ')}, should fail naming the flag`, () => {
      expect(parseError(args)).toMatch(message);
    });
  }

  it('when given -tp, should read it as --tensor-parallel-size', () => {
    expect(rewriteVllmShortFlags(['m', '-tp', '4', '-tp=2', '--port', '1'])).toEqual(['m', '--tensor-parallel-size', '4', '--tensor-parallel-size=2', '--port', '1']);
  });

  it('when flags are absent, should leave them out of the engine flags', () => {
    expect(toEngineFlags('models/x', { port: 9000, enablePrefixCaching: false })).toEqual({ model: 'models/x', port: 9000, enablePrefixCaching: false });
  });
});
