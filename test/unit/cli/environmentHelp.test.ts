// The environment variables the commands' help names: `spyre serve --help` lists every one of SPEC §1.2,
// and every name any command's help mentions is one the engine, a backend or the simulator reads (not a
// name only the CLI's own texts hold).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerBenchCommands } from '../../../src/cli/commands/bench.js';
import { registerCatalogCommands } from '../../../src/cli/commands/catalog.js';
import { registerEmbedCommands } from '../../../src/cli/commands/embed.js';
import { registerGenerateCommands } from '../../../src/cli/commands/generate.js';
import { registerModelCommands } from '../../../src/cli/commands/model.js';
import { registerServeCommand } from '../../../src/cli/commands/serve.js';
import { registerSimCommands } from '../../../src/cli/commands/sim.js';
import { environmentHelp, SERVE_ENVIRONMENT } from '../../../src/cli/environmentHelp.js';
import { REPO_ROOT, SHARED_DIR } from '../../support/sharedPaths.js';

const ENV_NAME = /\b(?:VLLM|TORCH_SENDNN|SPYRE)_[A-Z0-9_]*[A-Z0-9]\b/g;

/** The names in SPEC §1.2's table. */
function specEnvironmentNames(): string[] {
  const spec = readFileSync(join(SHARED_DIR, 'SPEC.md'), 'utf8');
  const section = spec.slice(spec.indexOf('### 1.2'), spec.indexOf('### 1.3'));
  return [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1]!);
}

/** Every command's full help (its `Environment:` section included), keyed by its path. */
async function everyHelp(): Promise<Map<string, string>> {
  const program = new Command('spyre');
  for (const register of [registerServeCommand, registerGenerateCommands, registerEmbedCommands, registerModelCommands, registerCatalogCommands, registerBenchCommands]) register(program);
  await registerSimCommands(program, undefined);
  const helps = new Map<string, string>();
  const walk = (command: Command, path: string): void => {
    let text = '';
    command.configureOutput({ writeOut: (chunk) => (text += chunk) });
    command.outputHelp();
    helps.set(path, text);
    for (const sub of command.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, 'spyre');
  return helps;
}

/** The sources that read the environment: everything under src/ and sim/ but the CLI's own files. */
function readerSources(): { file: string; text: string }[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  walk(join(REPO_ROOT, 'src'));
  walk(join(REPO_ROOT, 'sim'));
  return files.filter((file) => !relative(REPO_ROOT, file).startsWith('src/cli/')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

/** Whether some source reads the variable: `env.NAME`, `env['NAME']`, or the name as a string passed to a parser. */
function isRead(name: string, sources: readonly { text: string }[]): boolean {
  const reads = new RegExp(`env\\.${name}\\b|['"\`]${name}['"\`]`);
  return sources.some((source) => reads.test(source.text));
}

describe('having the environment named by the help', () => {
  it('should list every variable of SPEC §1.2 in spyre serve --help', async () => {
    const spec = specEnvironmentNames();
    expect(spec.length).toBeGreaterThanOrEqual(9);
    const serveHelp = (await everyHelp()).get('spyre serve')!;
    expect(serveHelp).toContain(environmentHelp(SERVE_ENVIRONMENT));
    for (const name of spec) expect(SERVE_ENVIRONMENT.map((row) => row.name)).toContain(name);
  });

  it("should name in any command's help only variables that code outside the CLI reads", async () => {
    const sources = readerSources();
    const unread: string[] = [];
    for (const [path, text] of await everyHelp()) {
      for (const name of new Set(text.match(ENV_NAME) ?? [])) if (!isRead(name, sources)) unread.push(`${path}: ${name}`);
    }
    expect(unread).toEqual([]);
  });

  it('should tell a read variable from one no code reads', () => {
    const sources = readerSources();
    expect(isRead('VLLM_SPYRE_DYNAMO_BACKEND', sources)).toBe(true);
    expect(isRead('SPYRE_DEVICE_TIMING', sources)).toBe(true);
    expect(isRead('SPYRE_API_KEY', sources)).toBe(false);
  });

  it('should keep every line of the Environment section within 80 columns', () => {
    for (const line of environmentHelp(SERVE_ENVIRONMENT).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
