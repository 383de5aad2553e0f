import 'reflect-metadata';
import { Command } from 'commander';
import { registerSimCommands } from './commands/sim.js';
import { registerGenerateCommands } from './commands/generate.js';
import { registerCatalogCommands } from './commands/catalog.js';
import { registerServeCommand } from './commands/serve.js';
import { registerEmbedCommands } from './commands/embed.js';
import { registerBenchCommands } from './commands/bench.js';
import { registerModelCommands } from './commands/model.js';

const program = new Command('spyre')
  .description('spyre-engine: a vLLM-Spyre-style LLM serving engine and simulator')
  .showHelpAfterError();

registerSimCommands(program);
registerGenerateCommands(program);
registerCatalogCommands(program);
registerServeCommand(program);
registerEmbedCommands(program);
registerBenchCommands(program);
registerModelCommands(program);

await program.parseAsync(process.argv);
