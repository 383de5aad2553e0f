import 'reflect-metadata';
import { Command } from 'commander';
import { registerSimCommands } from './commands/sim.js';
import { registerGenerateCommands } from './commands/generate.js';
import { registerCatalogCommands } from './commands/catalog.js';
import { registerServeCommand } from './commands/serve.js';

const program = new Command('spyre')
  .description('spyre-engine: a vLLM-Spyre-style LLM serving engine and simulator')
  .showHelpAfterError();

registerSimCommands(program);
registerGenerateCommands(program);
registerCatalogCommands(program);
registerServeCommand(program);

await program.parseAsync(process.argv);
