import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import { replayScenario } from '../../../sim/replay/replayScenario.js';
import { runCliAction } from '../runCliAction.js';

/**
 * The subcommands after replay, in help order, each with the names it registers and its module. Only the
 * one asked for is loaded (`sim run` does not load calibration's eager backend), all of them otherwise.
 */
const SUBCOMMANDS: readonly { readonly names: readonly string[]; readonly load: () => Promise<(sim: Command) => void> }[] = [
  { names: ['run'], load: async () => (await import('./simRun.js')).registerSimRun },
  { names: ['sweep'], load: async () => (await import('./simSweep.js')).registerSimSweep },
  { names: ['tune'], load: async () => (await import('./simTune.js')).registerSimTune },
  { names: ['plan', 'merge'], load: async () => (await import('./simPlan.js')).registerSimPlan },
  { names: ['calibrate'], load: async () => (await import('./simCalibrate.js')).registerSimCalibrate },
  { names: ['validate'], load: async () => (await import('./simValidate.js')).registerSimValidate },
];

/** `spyre sim …`: the simulator's commands. `subcommand` is the one named on the command line, if any. */
export async function registerSimCommands(program: Command, subcommand: string | undefined): Promise<void> {
  const sim = program.command('sim').description('run scenarios through the engine core on a virtual clock');
  sim
    .command('replay')
    .description('replay a scenario (SPEC §8) through the real scheduler with a zero-latency backend and write its step trace')
    .argument('<scenario>', 'scenario JSON file')
    .option('--trace <file>', 'write the step trace here, one JSON line per step')
    .action((scenarioPath: string, options: { trace?: string }) =>
      runCliAction(() => {
        const result = replayScenario(loadScenarioFile(scenarioPath));
        const lines = result.trace.map((line) => JSON.stringify(line)).join('\n') + '\n';
        if (options.trace !== undefined) {
          mkdirSync(dirname(options.trace), { recursive: true });
          writeFileSync(options.trace, lines);
        }
        else process.stdout.write(lines);
        const finished = [...result.finishReasons.values()];
        process.stderr.write(
          `replayed ${result.trace.length} steps; ${finished.length} requests ended (${finished.filter((reason) => reason === 'length').length} length, ${finished.filter((reason) => reason === 'stop').length} stop)` +
            (options.trace !== undefined ? `; trace written to ${options.trace}\n` : '\n'),
        );
      }),
    );
  const asked = SUBCOMMANDS.find((entry) => subcommand !== undefined && entry.names.includes(subcommand));
  for (const entry of asked === undefined ? SUBCOMMANDS : [asked]) (await entry.load())(sim);
}
