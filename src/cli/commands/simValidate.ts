import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { WALL_CLOCK } from '../../app/wallClock.js';
import { simulateScenario } from '../../../sim/run/simulateScenario.js';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';
import { fitProfile } from '../../../sim/calibrate/fitProfile.js';
import { compareReports, formatValidation } from '../../../sim/validate/compareReports.js';
import type { SimulationReport } from '../../../sim/report/simulationReport.js';
import { formatBandRows } from '../../../sim/validate/eagerBand.js';
import { measureRealRun, type RealRun } from '../../../sim/validate/measureRealRun.js';
import { EngineError } from '../../core/contracts/errors.js';
import { positiveInteger } from '../flagParsers.js';
import { runCliAction } from '../runCliAction.js';
import { createScenarioEagerEngine } from './createScenarioEagerEngine.js';
import { bandSummary, runEagerBandValidation } from './simValidateEagerBand/runEagerBandValidation.js';
import { registerTimedValidationOptions, runTimedValidationCommand, type TimedValidationFlags } from './simValidateTimed/timedValidationCommand.js';

/** `spyre sim validate SCENARIO --model DIR --profile PROFILE.json`: the real eager engine vs the calibrated simulator. */
export function registerSimValidate(sim: Command): void {
  const command = sim
    .command('validate')
    .description('run a scenario on the real engine (eager backend, wall clock) and in the simulator with a calibrated profile; print the relative errors')
    .argument('[scenario]', 'scenario JSON file (SPEC §8); its config is used for both runs (not with --against sendnn-timed)')
    .requiredOption('--model <dir>', 'model directory for the eager backend (or the sendnn emulator with --against sendnn-timed)')
    .option('--against <engine>', 'eager (the scenario on the eager engine, wall clock), eager-band (light, near-saturation and overloaded loads of the scenario on the eager engine, each figure checked against the min–max band of the real runs; --repeats defaults to 5) or sendnn-timed (the protocol: light, near-saturation and overloaded loads through the HTTP server on timed emulated cards)', 'eager')
    .option('--profile <file>', 'profile written by spyre sim calibrate on this machine (compared in addition to the in-situ fit)')
    .option('--use <model>', 'linear (the fit) or table (interpolated measurements)', 'linear')
    .option('--threads <n>', 'onnxruntime intra-op threads')
    .option('--out <dir>', 'write measured.json (measured-1.json … with --repeats), in-situ-profile.json and validation.json here')
    .option('--repeats <n>', 'run the real engine this many times (a fresh engine each) and compare with the median; also shows how far the real runs spread (default 1; 5 with --against eager-band)', positiveInteger, 1);
  registerTimedValidationOptions(command);
  command.action((scenarioPath: string | undefined, options: { model: string; against: string; profile?: string; use: string; threads?: string; out?: string; repeats: number } & TimedValidationFlags) =>
      runCliAction(async () => {
        if (options.against === 'sendnn-timed') return runTimedValidationCommand(scenarioPath, options);
        if (options.against === 'eager-band') {
          if (scenarioPath === undefined) throw new EngineError('invalid_config', '--against eager-band needs a scenario file: its config and lengths shape the three workloads.');
          const defaulted = (name: string): boolean => command.getOptionValueSource(name) === 'default';
          const out = options.out ?? 'validation-eager-band';
          const result = await runEagerBandValidation({
            scenario: loadScenarioFile(scenarioPath), scenarioPath, modelDir: options.model, ...(options.threads !== undefined ? { threads: options.threads } : {}),
            repeats: defaulted('repeats') ? 5 : options.repeats, ...(defaulted('requests') ? {} : { numRequests: options.requests }),
            ...(options.workloads !== undefined ? { workloads: options.workloads } : {}), out, log: (line) => process.stderr.write(`${line}\n`),
          });
          process.stdout.write(`${result.workloads.map((workload) => `${workload.label} (simulated with the calibration run's fit):\n${formatBandRows(workload.rows)}`).join('\n')}\n${bandSummary(result)}\nwrote ${join(out, 'validation.html')} and ${join(out, 'validation.json')}\n`);
          return;
        }
        if (options.against !== 'eager') throw new EngineError('invalid_config', `--against must be eager, eager-band or sendnn-timed; got '${options.against}'.`);
        if (scenarioPath === undefined) throw new EngineError('invalid_config', 'spyre sim validate needs a scenario file (or --against sendnn-timed, which builds its own workloads).');
        const scenario = loadScenarioFile(scenarioPath);
        const runs: RealRun[] = [];
        for (let repeat = 0; repeat < options.repeats; repeat++) {
          const created = await createScenarioEagerEngine(scenario.config, options.model, options.threads);
          try {
            runs.push(await measureRealRun(created.engine, created.config, scenarioWorkload(scenario, dirname(scenarioPath)), WALL_CLOCK));
          } finally {
            await created.close();
          }
        }
        const measured = runs.map((run) => run.report);
        const use = options.use === 'table' ? 'table' : 'linear';
        // In-situ: the cost model fitted to the real run's own steps, so that machine-load drift between a
        // separate calibration and this run does not hide what the simulator itself gets right or wrong.
        const inSitu = fitProfile(runs.flatMap((run) => run.steps), { name: `in-situ fit of the measured run${runs.length > 1 ? 's' : ''}`, executor: 'eager', repeats: 1, basis: 'valid' });
        const simulatedInSitu = simulateScenario({ ...scenario, cost_model: { linear: inSitu.linear, basis: 'valid' } }, dirname(scenarioPath));
        const comparisons: { label: string; simulated: SimulationReport }[] = [{ label: `in-situ linear fit (R² ${inSitu.fit.r_squared.toFixed(3)} over ${inSitu.fit.num_samples} steps)`, simulated: simulatedInSitu }];
        if (options.profile !== undefined) {
          comparisons.push({ label: `calibrated profile ${options.profile} (${use})`, simulated: simulateScenario({ ...scenario, cost_model: { file: resolve(options.profile), use } }, dirname(scenarioPath)) });
        }
        const results = comparisons.map((comparison) => ({ label: comparison.label, rows: compareReports(measured, comparison.simulated) }));
        for (const result of results) process.stdout.write(`simulated with the ${result.label}:\n${formatValidation(result.rows)}\n`);
        process.stdout.write(`(${measured.map((report) => `${report.requests.completed}/${report.requests.total}`).join(', ')} requests measured)\n`);
        if (options.out !== undefined) {
          mkdirSync(options.out, { recursive: true });
          // One report per real run: measured.json, or measured-1.json … measured-N.json with --repeats.
          measured.forEach((report, index) => writeFileSync(join(options.out as string, measured.length === 1 ? 'measured.json' : `measured-${index + 1}.json`), JSON.stringify(report, null, 2) + '\n'));
          writeFileSync(join(options.out, 'in-situ-profile.json'), JSON.stringify(inSitu, null, 2) + '\n');
          writeFileSync(join(options.out, 'validation.json'), JSON.stringify(results, null, 2) + '\n');
        }
      }),
    );
}
