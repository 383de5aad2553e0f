// Every flag of serve, generate, embed and bench serve is a row of its table: the options commander offers
// are the rows, one for one, with the row's help line, default, parser and requiredness; the defaults the
// engine rows document are the ones the config applies; the environment variables they name are read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerBenchCommands } from '../../../src/cli/commands/bench.js';
import { registerEmbedCommands } from '../../../src/cli/commands/embed.js';
import { registerGenerateCommands } from '../../../src/cli/commands/generate.js';
import { registerServeCommand } from '../../../src/cli/commands/serve.js';
import { BENCH_SERVE_FLAG_TABLE, EMBED_FLAG_TABLE, GENERATE_FLAG_TABLE, GENERATE_MODEL_FLAG } from '../../../src/cli/commandFlagTables.js';
import { flagHelp, longFlagOf, type CliFlagRow } from '../../../src/cli/flagTable.js';
import { ENGINE_FLAG_TABLE } from '../../../src/core/config/engineFlagTable.js';
import { resolveEngineConfig } from '../../../src/core/config/resolveEngineConfig.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import { REPO_ROOT } from '../../support/sharedPaths.js';

function commandAt(register: (program: Command) => void, path: readonly string[]): Command {
  const program = new Command('spyre');
  register(program);
  let command = program;
  for (const name of path) {
    const next = command.commands.find((candidate) => candidate.name() === name);
    if (next === undefined) throw new Error(`no ${path.join(' ')} command`);
    command = next;
  }
  return command.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

const engineRows = ENGINE_FLAG_TABLE.filter((row) => row.scope === 'engine');
const COMMANDS: readonly { name: string; register: (program: Command) => void; path: readonly string[]; rows: readonly CliFlagRow[]; file: string }[] = [
  { name: 'serve', register: registerServeCommand, path: ['serve'], rows: ENGINE_FLAG_TABLE, file: 'serve.ts' },
  { name: 'generate', register: registerGenerateCommands, path: ['generate'], rows: [GENERATE_MODEL_FLAG, ...engineRows, ...GENERATE_FLAG_TABLE], file: 'generate.ts' },
  { name: 'embed', register: registerEmbedCommands, path: ['embed'], rows: EMBED_FLAG_TABLE, file: 'embed.ts' },
  { name: 'bench serve', register: registerBenchCommands, path: ['bench', 'serve'], rows: BENCH_SERVE_FLAG_TABLE, file: 'bench.ts' },
];

/** What commander holds of an option, as a row says it. */
function offered(option: Option): object {
  return { flags: option.flags, help: option.description, defaultValue: option.defaultValue, mandatory: option.mandatory, parses: option.parseArg !== undefined };
}

/** A row as commander should hold it (with a switch's --no- form after it). */
function expectedOf(row: CliFlagRow): object[] {
  const takesValue = row.value !== 'switch' && row.value !== 'text';
  const main = {
    flags: row.flag,
    help: flagHelp(row),
    defaultValue: row.appliesDefault === true ? row.defaultValue : undefined,
    mandatory: row.required === true,
    parses: takesValue,
  };
  const negated = row.negatedHelp === undefined ? [] : [{ flags: `--no-${longFlagOf(row).slice(2)}`, help: row.negatedHelp, defaultValue: undefined, mandatory: false, parses: false }];
  return [main, ...negated];
}

describe.each(COMMANDS)('having spyre $name', ({ register, path, rows, file }) => {
  const command = commandAt(register, path);

  it('should offer exactly the rows of its table, in order, with their help, default, parser and requiredness', () => {
    expect(command.options.map(offered)).toEqual(rows.flatMap(expectedOf));
  });

  it("should key each option as its row says (the options object's field)", () => {
    expect(command.options.map((option) => option.attributeName())).toEqual(rows.flatMap((row) => (row.negatedHelp === undefined ? [row.key] : [row.key, row.key])));
  });

  it('should refuse a bad value of every row that parses one, naming the flag', () => {
    for (const row of rows.filter((candidate) => candidate.value !== 'switch' && candidate.value !== 'text')) {
      const fresh = commandAt(register, path);
      fresh.action(() => undefined);
      let message = '';
      try {
        fresh.parse([longFlagOf(row), 'not-a-value', 'x'], { from: 'user' });
      } catch (error) {
        if (!(error instanceof CommanderError)) throw error;
        message = error.message;
      }
      expect(message, row.flag).toContain(`'${row.flag}'`);
    }
  });

  it('should declare no option of its own outside the tables (src/cli/commands/' + file + ')', () => {
    const source = readFileSync(join(REPO_ROOT, 'src/cli/commands', file), 'utf8');
    expect(source).not.toMatch(/\.(option|requiredOption|addOption)\(/);
  });
});

describe('having the engine rows of ENGINE_FLAG_TABLE', () => {
  const config = resolveEngineConfig({ model: 'm' }, {}, SILENT_LOGGER) as unknown as Record<string, unknown>;

  it.each(ENGINE_FLAG_TABLE.filter((row) => row.defaultValue !== undefined))('should document the default the config applies to $flag', (row) => {
    expect(config[row.key]).toBe(row.defaultValue);
  });

  it.each(ENGINE_FLAG_TABLE.filter((row) => row.envVar !== undefined))('should name the environment variable the config reads for an absent $flag', (row) => {
    const fromEnv = resolveEngineConfig({ model: 'm' }, { [row.envVar as string]: 'from-the-environment' }, SILENT_LOGGER) as unknown as Record<string, unknown>;
    expect(fromEnv[row.key]).toBe('from-the-environment');
  });

  it('should spell every flag of SPEC §1.1', () => {
    const spec = readFileSync(join(REPO_ROOT, '../shared/SPEC.md'), 'utf8');
    const section = spec.slice(spec.indexOf('### 1.1'), spec.indexOf('### 1.2'));
    for (const row of ENGINE_FLAG_TABLE) expect(section, row.flag).toMatch(new RegExp(`[\`/]${longFlagOf(row)}\\b`));
  });
});
