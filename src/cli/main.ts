import 'reflect-metadata';
import { Command } from 'commander';
import { packageVersion } from '../server/serve/packageVersion.js';

/**
 * The top-level commands, in help order, each with the module that registers it. Only the command asked
 * for is loaded (`spyre sim run` does not load the server, the ONNX runtime or the native library), all of
 * them when none is named (`spyre --help`, a typo).
 */
const COMMANDS: readonly { readonly name: string; readonly load: () => Promise<(program: Command) => void | Promise<void>> }[] = [
  { name: 'serve', load: async () => (await import('./commands/serve.js')).registerServeCommand },
  { name: 'generate', load: async () => (await import('./commands/generate.js')).registerGenerateCommands },
  { name: 'embed', load: async () => (await import('./commands/embed.js')).registerEmbedCommands },
  { name: 'model', load: async () => (await import('./commands/model.js')).registerModelCommands },
  { name: 'sim', load: async () => { const { registerSimCommands } = await import('./commands/sim.js'); return (program) => registerSimCommands(program, process.argv[3]); } },
  { name: 'catalog', load: async () => (await import('./commands/catalog.js')).registerCatalogCommands },
  { name: 'bench', load: async () => (await import('./commands/bench.js')).registerBenchCommands },
];

const program = new Command('spyre')
  .description('spyre-engine: a vLLM-Spyre-style LLM serving engine and simulator')
  .version(packageVersion(), '--version', "print spyre-engine's version (package.json) and exit")
  .showHelpAfterError();

const asked = COMMANDS.find((command) => command.name === process.argv[2]);
for (const command of asked === undefined ? COMMANDS : [asked]) await (await command.load())(program);

await program.parseAsync(process.argv);
