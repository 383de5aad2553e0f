import 'reflect-metadata';
import { Command } from 'commander';
import { registerSimCommands } from './commands/sim.js';

const program = new Command('spyre')
  .description('spyre-engine: a vLLM-Spyre-style LLM serving engine and simulator')
  .showHelpAfterError();

registerSimCommands(program);

await program.parseAsync(process.argv);
