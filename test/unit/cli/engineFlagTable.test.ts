import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerGenerateCommands } from '../../../src/cli/commands/generate.js';
import { registerServeCommand } from '../../../src/cli/commands/serve.js';
import { flagHelp } from '../../../src/cli/flagTable.js';
import { API_KEY_ENV_VAR, ENGINE_FLAG_TABLE } from '../../../src/core/config/engineFlagTable.js';
import { parseSpyreEnvironment } from '../../../src/core/config/envVars.js';

function commandOf(register: (program: Command) => void, name: string): Command {
  const program = new Command('spyre');
  register(program);
  const command = program.commands.find((candidate) => candidate.name() === name);
  if (command === undefined) throw new Error(`no ${name} command`);
  return command;
}

const longFlag = (flag: string): string => flag.split(' ')[0] as string;

describe('having ENGINE_FLAG_TABLE', () => {
  describe('when spyre serve is built from it', () => {
    const serve = commandOf(registerServeCommand, 'serve');

    it("should offer every row, in table order, with the row's help line (and a switch's --no- form)", () => {
      const offered = serve.options.map((option) => ({ flags: option.flags, help: option.description }));
      const expected = ENGINE_FLAG_TABLE.flatMap((row) => [
        { flags: row.flag, help: flagHelp(row) },
        ...(row.negatedHelp === undefined ? [] : [{ flags: `--no-${longFlag(row.flag).slice(2)}`, help: row.negatedHelp }]),
      ]);
      expect(offered).toEqual(expected);
    });

    it("should parse each row into its EngineFlags key by the row's kind of value", () => {
      serve.action(() => undefined);
      serve.parse(['node', 'serve', '/m', '--port', '0', '--max-num-seqs', '3', '--seed', '0', '-tp', '2', '--task', 'embed', '--log-level', 'WARN', '--enable-prefix-caching'], { from: 'node' });
      expect(serve.opts()).toMatchObject({ port: 0, maxNumSeqs: 3, seed: 0, tensorParallelSize: 2, task: 'embed', logLevel: 'warning', enablePrefixCaching: true });
    });
  });

  it('when spyre generate is built from it, should offer exactly the engine rows before its own options', () => {
    const generate = commandOf(registerGenerateCommands, 'generate');
    const engineRows = ENGINE_FLAG_TABLE.filter((row) => row.scope === 'engine').flatMap((row) => [row.flag, ...(row.negatedHelp === undefined ? [] : [`--no-${longFlag(row.flag).slice(2)}`])]);
    expect(generate.options.slice(1, 1 + engineRows.length).map((option) => option.flags)).toEqual(engineRows);
  });

  it("should name the environment variable the config reads when --api-key is absent", () => {
    expect(ENGINE_FLAG_TABLE.find((row) => row.key === 'apiKey')?.envVar).toBe(API_KEY_ENV_VAR);
    expect(parseSpyreEnvironment({ [API_KEY_ENV_VAR]: 'k' }).apiKey).toBe('k');
  });
});
