import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import { replayScenario } from '../../../sim/replay/replayScenario.js';
import { runCliAction } from '../runCliAction.js';
import { registerSimCalibrate } from './simCalibrate.js';
import { registerSimPlan } from './simPlan.js';
import { registerSimRun } from './simRun.js';
import { registerSimSweep } from './simSweep.js';
import { registerSimTune } from './simTune.js';
import { registerSimValidate } from './simValidate.js';

/** `spyre sim …`: the simulator's commands. */
export function registerSimCommands(program: Command): void {
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
  registerSimRun(sim);
  registerSimSweep(sim);
  registerSimTune(sim);
  registerSimPlan(sim);
  registerSimCalibrate(sim);
  registerSimValidate(sim);
}
