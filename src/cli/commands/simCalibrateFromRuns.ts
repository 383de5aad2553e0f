import { writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { WALL_CLOCK } from '../../app/wallClock.js';
import { EngineError } from '../../core/contracts/errors.js';
import { calibrateFromRuns, type CalibrationRun } from '../../../sim/calibrate/calibrateFromRuns.js';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';
import { calibrationSummary } from './calibrationSummary.js';
import { createScenarioEagerEngine } from './createScenarioEagerEngine.js';

/** The flags of `spyre sim calibrate` that describe a probe grid, which a real-run calibration does not use. */
const GRID_FLAGS = {
  chunkSizes: '--chunk-sizes',
  contextChunks: '--context-chunks',
  prefillValidTokens: '--prefill-valid-tokens',
  batchSizes: '--batch-sizes',
  tkvs: '--tkvs',
  maxContext: '--max-context',
  repeats: '--repeats',
  warmup: '--warmup',
} as const;

export interface RunCalibrationFlags extends Partial<Record<keyof typeof GRID_FLAGS, string>> {
  readonly out: string;
  readonly executor: string;
  readonly model?: string;
  readonly threads?: string;
  readonly workload: readonly string[];
  readonly fit: 'nnls' | 'ols';
}

function checkFlags(flags: RunCalibrationFlags): string {
  const conflicting = Object.entries(GRID_FLAGS).filter(([key]) => flags[key as keyof typeof GRID_FLAGS] !== undefined).map(([, flag]) => flag);
  if (conflicting.length > 0) {
    throw new EngineError('invalid_config', `--workload and ${conflicting.join(', ')} conflict: --workload fits the cost model to real runs of the scenarios, the grid flags describe probe shapes. Drop ${conflicting.length === 1 ? 'that flag' : 'those flags'}, or drop --workload to probe a grid.`);
  }
  if (flags.executor !== 'eager') throw new EngineError('invalid_config', `--workload runs the real engine: it needs --executor eager (got '${flags.executor}').`);
  if (flags.model === undefined) throw new EngineError('invalid_config', '--workload runs the real engine: it needs --model DIR (a model directory, e.g. from spyre model build).');
  return flags.model;
}

/** `spyre sim calibrate --workload SCENARIO.json …`: fit the cost model to the steps of real runs of the scenarios. */
export async function calibrateFromRealRuns(flags: RunCalibrationFlags): Promise<void> {
  const modelDir = checkFlags(flags);
  const runs: CalibrationRun[] = flags.workload.map((path) => {
    const scenario = loadScenarioFile(path);
    return { name: basename(path), config: scenario.config, workload: scenarioWorkload(scenario, dirname(path)) };
  });
  const description = `eager:${modelDir}${flags.threads !== undefined ? ` threads=${flags.threads}` : ''}`;
  const bar = new SingleBar({ format: 'running [{bar}] {value}/{total} requests | {duration}s', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar.start(runs.reduce((sum, run) => sum + run.workload.requests.length, 0), 0);
  let calibration;
  try {
    calibration = await calibrateFromRuns(runs, (config) => createScenarioEagerEngine(config, modelDir, flags.threads), WALL_CLOCK, {
      executor: 'eager',
      description,
      basis: 'valid',
      nonNegative: flags.fit === 'nnls',
      onRequestFinished: (numFinished) => bar.update(numFinished),
    });
  } finally {
    bar.stop();
  }
  const { profile } = calibration;
  writeFileSync(flags.out, JSON.stringify(profile, null, 2) + '\n');
  process.stdout.write(
    calibrationSummary(profile, `${profile.fit.num_samples} steps of ${runs.length} real run${runs.length === 1 ? '' : 's'} (${description})`, flags.out, `use it with "cost_model": {"file": "${flags.out}"} (linear only: real-run profiles keep no table)`),
  );
}
