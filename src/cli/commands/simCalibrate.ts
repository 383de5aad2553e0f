import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { createLlmEngine } from '../../app/createLlmEngine.js';
import { WALL_CLOCK } from '../../app/wallClock.js';
import { StepExecutor } from '../../core/contracts/backend.js';
import type { Clock } from '../../core/contracts/clock.js';
import { EngineError } from '../../core/contracts/errors.js';
import { SILENT_LOGGER } from '../../core/contracts/logger.js';
import { DEFAULT_CALIBRATION_GRID, validateGrid, type CalibrationGrid } from '../../../sim/calibrate/calibrationGrid.js';
import { fitProfile } from '../../../sim/calibrate/fitProfile.js';
import { probeShapes, profileExecutor } from '../../../sim/calibrate/profileExecutor.js';
import { blocksNeeded } from '../../../sim/calibrate/probePlans.js';
import { SyntheticStepExecutor } from '../../../sim/calibrate/syntheticExecutor.js';
import { HARDWARE_PROFILE_NAMES, HARDWARE_PROFILES, type HardwareProfileName } from '../../../sim/cost/hardwareProfiles.js';
import { resolveCostModel } from '../../../sim/cost/resolveCostModel.js';
import { DEFAULT_ROOFLINE_MODEL } from '../../../sim/cost/scenarioDecoder.js';
import { LinearCostModel } from '../../../sim/cost/linearCostModel.js';
import { VirtualClock } from '../../../sim/kernel/virtualClock.js';
import { parseNumberList } from '../../../sim/sweep/sweepPoints.js';
import { acceptVllmShortFlags } from '../engineFlagOptions.js';
import { runCliAction } from '../runCliAction.js';
import { calibrationSummary } from './calibrationSummary.js';
import { calibrateFromRecording } from './simCalibrateFromRecording.js';
import { calibrateFromRealRuns } from './simCalibrateFromRuns.js';
import { calibrateHostOverheadCommand, type HostOverheadCalibrateFlags } from './simValidateTimed/timedValidationCommand.js';

interface CalibrateFlags extends HostOverheadCalibrateFlags {
  readonly out: string;
  readonly hostOverhead?: boolean;
  readonly executor: string;
  readonly model?: string;
  readonly profile: string;
  readonly noise: string;
  readonly threads?: string;
  readonly chunkSizes?: string;
  readonly contextChunks?: string;
  readonly prefillValidTokens?: string;
  readonly batchSizes?: string;
  readonly tkvs?: string;
  readonly repeats?: string;
  readonly warmup?: string;
  readonly maxContext?: string;
  readonly workload?: readonly string[];
  readonly fit: string;
  readonly fromBench?: string;
  readonly fromPerfLog?: string;
  readonly scenario?: string;
  readonly bootstrap?: string;
}

interface Subject {
  readonly executor: StepExecutor;
  readonly stopwatch: Clock;
  readonly description: string;
  /** The eager backend feeds only a chunk's prompt tokens; compiled backends run the whole chunk. */
  readonly basis: 'padded' | 'valid';
  close(): Promise<void>;
}

function gridFrom(flags: CalibrateFlags): CalibrationGrid {
  const list = (text: string | undefined, flag: string, fallback: readonly number[]): readonly number[] => {
    if (text === undefined) return fallback;
    try {
      return parseNumberList(text, flag);
    } catch (error) {
      throw new EngineError('invalid_config', (error as Error).message);
    }
  };
  return validateGrid({
    chunkSizes: list(flags.chunkSizes, '--chunk-sizes', DEFAULT_CALIBRATION_GRID.chunkSizes),
    contextChunks: list(flags.contextChunks, '--context-chunks', DEFAULT_CALIBRATION_GRID.contextChunks),
    prefillValidTokens: list(flags.prefillValidTokens, '--prefill-valid-tokens', []),
    batchSizes: list(flags.batchSizes, '--batch-sizes', DEFAULT_CALIBRATION_GRID.batchSizes),
    tkvs: list(flags.tkvs, '--tkvs', DEFAULT_CALIBRATION_GRID.tkvs),
    repeats: flags.repeats !== undefined ? Number(flags.repeats) : DEFAULT_CALIBRATION_GRID.repeats,
    warmup: flags.warmup !== undefined ? Number(flags.warmup) : DEFAULT_CALIBRATION_GRID.warmup,
    maxContextTokens: flags.maxContext !== undefined ? Number(flags.maxContext) : DEFAULT_CALIBRATION_GRID.maxContextTokens,
  });
}

async function subjectFor(flags: CalibrateFlags, grid: CalibrationGrid): Promise<Subject> {
  if (flags.executor === 'synthetic') {
    if (!(HARDWARE_PROFILE_NAMES as readonly string[]).includes(flags.profile)) throw new EngineError('invalid_config', `--profile must be one of ${HARDWARE_PROFILE_NAMES.join(', ')}; got '${flags.profile}'.`);
    const profile = HARDWARE_PROFILES[flags.profile as HardwareProfileName];
    const clock = new VirtualClock();
    // A roofline profile prices granite-3.3-8b-instruct on 4 cards here (its illustrative setting), decode batches as compiled up to the grid's largest.
    const costModel = profile.kind === 'linear'
      ? new LinearCostModel(profile.coefficients, profile.name, profile.basis)
      : resolveCostModel({ profile: profile.name }, '.', { model: DEFAULT_ROOFLINE_MODEL, tensorParallelSize: 4, maxNumSeqs: Math.max(...grid.batchSizes) });
    const basis = profile.kind === 'linear' ? profile.basis : 'padded';
    return {
      executor: new SyntheticStepExecutor(costModel, clock, Number(flags.noise)),
      stopwatch: clock,
      description: `synthetic:${profile.name} noise=${flags.noise}`,
      basis,
      close: () => Promise.resolve(),
    };
  }
  if (flags.executor !== 'eager') throw new EngineError('invalid_config', `--executor must be synthetic or eager; got '${flags.executor}'.`);
  if (flags.model === undefined) throw new EngineError('invalid_config', '--executor eager needs --model DIR (a model directory, e.g. from spyre model build).');
  const maxTkv = Math.max(...grid.tkvs.filter((tkv) => tkv <= grid.maxContextTokens));
  const created = await createLlmEngine({
    flags: { model: flags.model, maxModelLen: grid.maxContextTokens, maxNumSeqs: Math.max(...grid.batchSizes), numBlocks: blocksNeeded(grid.maxContextTokens, Math.max(...grid.batchSizes), maxTkv) },
    env: { VLLM_SPYRE_DYNAMO_BACKEND: 'eager' },
    logger: SILENT_LOGGER,
    ...(flags.threads !== undefined ? { intraOpNumThreads: Number(flags.threads) } : {}),
  });
  return { executor: created.container.get(StepExecutor), stopwatch: WALL_CLOCK, description: `eager:${flags.model}${flags.threads !== undefined ? ` threads=${flags.threads}` : ''}`, basis: 'valid', close: () => created.close() };
}

function collect(value: string, previous: readonly string[] | undefined): readonly string[] {
  return [...(previous ?? []), value];
}

/**
 * `spyre sim calibrate`: fit the simulator's cost model, either to a backend timed over a grid of probe
 * shapes, or (`--workload`) to the steps of real runs of scenarios on the eager engine.
 */
export function registerSimCalibrate(sim: Command): void {
  const calibrate = sim
    .command('calibrate')
    .description(
      'fit the linear cost model and write a profile for cost_model {"file": …}: by timing a backend on a grid of prefill and decode shapes (default), or with --workload by running scenarios on the real eager engine and fitting every step it took, engine-loop overhead included',
    )
    .requiredOption('--out <file>', 'profile JSON to write')
    .option('--executor <kind>', 'synthetic (a known cost model on a virtual clock) or eager (onnxruntime on this CPU)', 'synthetic')
    .option('--model <dir>', 'model directory (eager)')
    .option('--workload <scenario>', 'run this scenario on the real engine (its config and workload) and fit its steps instead of probing a grid; repeat to pool several; needs --executor eager and --model, excludes the grid flags', collect)
    .option('--profile <name>', `cost model of the synthetic executor: ${HARDWARE_PROFILE_NAMES.join(' | ')}`, 'spyre-illustrative')
    .option('--noise <fraction>', 'relative noise of the synthetic executor', '0')
    .option('--threads <n>', 'onnxruntime intra-op threads (eager)')
    .option('--chunk-sizes <list>', `grid: prefill chunk sizes (default ${DEFAULT_CALIBRATION_GRID.chunkSizes.join(',')})`)
    .option('--context-chunks <list>', `grid: attended context in chunks (default ${DEFAULT_CALIBRATION_GRID.contextChunks.join(',')})`)
    .option('--prefill-valid-tokens <list>', 'grid: also probe chunks holding only this many prompt tokens (for backends that pay per prompt token, like eager)')
    .option('--batch-sizes <list>', `grid: decode batch sizes (default ${DEFAULT_CALIBRATION_GRID.batchSizes.join(',')})`)
    .option('--tkvs <list>', `grid: decode tkv values (default ${DEFAULT_CALIBRATION_GRID.tkvs.join(',')})`)
    .option('--max-context <tokens>', `grid: skip shapes longer than this (default ${DEFAULT_CALIBRATION_GRID.maxContextTokens})`)
    .option('--repeats <n>', `grid: timed runs per shape, median kept (default ${DEFAULT_CALIBRATION_GRID.repeats})`)
    .option('--warmup <n>', `grid: untimed runs per shape first (default ${DEFAULT_CALIBRATION_GRID.warmup})`)
    .option('--from-bench <result.json>', 'fit by inverse simulation to the JSON of vllm bench serve --save-result --save-detailed (per-request TTFT and ITL); needs --scenario for the server config; starts from --profile')
    .option('--from-perf-log <request_metrics.jsonl>', 'fit by inverse simulation to vLLM-Spyre\'s per-request perf log (VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED=1; times from arrival at the engine); needs --scenario; starts from --profile')
    .option('--scenario <file>', 'with --from-bench or --from-perf-log: the scenario whose config is the recorded server\'s')
    .option('--bootstrap <n>', 'with --from-bench or --from-perf-log: resamples of the requests refitted for each coefficient\'s 5–95% range (0: none)', '20')
    .option('--fit <kind>', 'nnls (coefficients ≥ 0) or ols (unconstrained least squares)', 'nnls')
    .option('--host-overhead', 'fit the host overhead (per step, per request served, front end) from a run of the real server on the sendnn emulator with device timing; needs --model and --device-profile; writes a spyre-sim-host-overhead/1 file', false)
    .option('--device-profile <file>', 'with --host-overhead: the device profile of the emulated cards (SPYRE_DEVICE_PROFILE)')
    .option('--tensor-parallel-size <n>', 'with --host-overhead: emulated cards (-tp) (default 1)')
    .option('--requests <n>', 'with --host-overhead: requests of the calibration load (default 150)')
    .action((flags: CalibrateFlags) =>
      runCliAction(async () => {
        if (flags.fit !== 'nnls' && flags.fit !== 'ols') throw new EngineError('invalid_config', `--fit must be nnls or ols; got '${flags.fit}'.`);
        if (flags.hostOverhead === true) return calibrateHostOverheadCommand(flags);
        if (flags.fromBench !== undefined || flags.fromPerfLog !== undefined) return calibrateFromRecording(flags);
        if (flags.workload !== undefined) return calibrateFromRealRuns({ ...flags, workload: flags.workload, fit: flags.fit });
        const grid = gridFrom(flags);
        const subject = await subjectFor(flags, grid);
        const bar = new SingleBar({ format: 'profiling [{bar}] {value}/{total} shapes | {duration}s', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
        bar.start(probeShapes(grid).length, 0);
        let samples;
        try {
          samples = await profileExecutor(subject.executor, grid, subject.stopwatch, (done) => bar.update(done));
        } finally {
          bar.stop();
          await subject.close();
        }
        const profile = fitProfile(samples, { name: subject.description, executor: flags.executor, repeats: grid.repeats, basis: subject.basis, nonNegative: flags.fit === 'nnls' });
        writeFileSync(flags.out, JSON.stringify(profile, null, 2) + '\n');
        process.stdout.write(calibrationSummary(profile, `${profile.fit.num_samples} runs of ${samples.length} shapes (${subject.description})`, flags.out, `use it with "cost_model": {"file": "${flags.out}"} (or "use": "table")`));
      }),
    );
  acceptVllmShortFlags(calibrate);
}
