import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { EngineError } from '../../../core/contracts/errors.js';
import { HOST_OVERHEAD_FORMAT, type HostOverheadFile } from '../../../../sim/cost/hostOverhead.js';
import { capacityRequestsPerS } from '../../../../sim/validate/simulateTimedLoad.js';
import type { TimedServerSetup } from '../../../../sim/validate/timedProtocol.js';
import { nonNegativeInteger, positiveInteger } from '../../flagParsers.js';
import { runTimedValidation, TIMED_WORKLOADS } from './runTimedValidation.js';
import { calibrateHostOverhead, emulatedCardsOf } from './timedLoads.js';

/** The flags of the timed protocol (spyre sim validate --against sendnn-timed). */
export interface TimedValidationFlags {
  readonly deviceProfile?: string;
  readonly hostOverhead?: string;
  readonly tensorParallelSizes: readonly number[];
  readonly requests: number;
  readonly inputLen: number;
  readonly outputLen: number;
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly seed: number;
  readonly workloads?: readonly string[];
  readonly out?: string;
  readonly repeats: number;
}

function cardCounts(value: string): number[] {
  const counts = value.split(',').map((part) => Number(part.trim()));
  if (counts.length === 0 || counts.some((count) => ![1, 2, 4, 8].includes(count))) throw new InvalidArgumentError(`expected a comma-separated list of 1, 2, 4 or 8, got '${value}'.`);
  return counts;
}

function workloadLabels(value: string): string[] {
  const labels = value.split(',').map((part) => part.trim());
  const known = TIMED_WORKLOADS.map((workload) => workload.label);
  const unknown = labels.find((label) => !known.includes(label));
  if (unknown !== undefined) throw new InvalidArgumentError(`unknown workload '${unknown}'; expected some of ${known.join(', ')}.`);
  return labels;
}

/** The timed protocol's options on `spyre sim validate`. */
export function registerTimedValidationOptions(command: Command): void {
  command
    .option('--device-profile <file>', 'sendnn-timed: the device profile (DeviceProfile JSON) of the emulated cards and of the simulator')
    .option('--host-overhead <file>', 'sendnn-timed: host overhead written by spyre sim calibrate --host-overhead (default: fitted per TP on a separate calibration load first)')
    .option('--tensor-parallel-sizes <list>', 'sendnn-timed: card counts to validate', cardCounts, [1, 4])
    .option('--requests <n>', 'sendnn-timed, eager-band: requests per workload (eager-band default: the scenario num_requests)', positiveInteger, 300)
    .option('--input-len <n>', 'sendnn-timed: prompt tokens per request', positiveInteger, 64)
    .option('--output-len <n>', 'sendnn-timed: output tokens per request', positiveInteger, 16)
    .option('--max-model-len <n>', 'sendnn-timed: engine max_model_len', positiveInteger, 256)
    .option('--max-num-seqs <n>', 'sendnn-timed: engine max_num_seqs', positiveInteger, 8)
    .option('--max-num-batched-tokens <n>', 'sendnn-timed: engine chunk size', positiveInteger, 64)
    .option('--seed <n>', 'sendnn-timed: seed of the bench dataset and arrivals', nonNegativeInteger, 1)
    .option('--workloads <list>', `sendnn-timed, eager-band: some of ${TIMED_WORKLOADS.map((workload) => workload.label).join(', ')} (default all)`, workloadLabels);
}

export async function runTimedValidationCommand(scenarioPath: string | undefined, flags: TimedValidationFlags & { readonly model: string }): Promise<void> {
  if (scenarioPath !== undefined) throw new EngineError('invalid_config', '--against sendnn-timed builds its own workloads: give no scenario file.');
  if (flags.deviceProfile === undefined) throw new EngineError('invalid_config', '--against sendnn-timed needs --device-profile FILE (the profile of the emulated cards, SPYRE_DEVICE_PROFILE).');
  const out = flags.out ?? 'validation-timed';
  await runTimedValidation({
    modelDir: resolve(flags.model), profilePath: resolve(flags.deviceProfile), maxModelLen: flags.maxModelLen, maxNumSeqs: flags.maxNumSeqs, maxNumBatchedTokens: flags.maxNumBatchedTokens,
    tensorParallelSizes: flags.tensorParallelSizes, numPrompts: flags.requests, inputLen: flags.inputLen, outputLen: flags.outputLen, repeats: flags.repeats, seed: flags.seed,
    ...(flags.hostOverhead !== undefined ? { hostOverheadPath: resolve(flags.hostOverhead) } : {}),
    ...(flags.workloads !== undefined ? { workloads: flags.workloads } : {}),
    out,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`wrote ${join(out, 'validation.html')} and ${join(out, 'validation.json')}\n`);
}

/** `spyre sim calibrate --host-overhead`: the host's terms from one real run on timed cards. */
export interface HostOverheadCalibrateFlags {
  readonly out: string;
  readonly model?: string;
  readonly deviceProfile?: string;
  readonly tensorParallelSize?: string;
  readonly requests?: string;
}

export async function calibrateHostOverheadCommand(flags: HostOverheadCalibrateFlags): Promise<void> {
  if (flags.model === undefined || flags.deviceProfile === undefined) throw new EngineError('invalid_config', '--host-overhead needs --model DIR and --device-profile FILE (the run is on the sendnn emulator with SPYRE_DEVICE_TIMING=profile).');
  const tensorParallelSize = Number(flags.tensorParallelSize ?? '1');
  const numPrompts = Number(flags.requests ?? '150');
  if (![1, 2, 4, 8].includes(tensorParallelSize)) throw new EngineError('invalid_config', `--tensor-parallel-size must be 1, 2, 4 or 8; got '${flags.tensorParallelSize}'.`);
  if (!Number.isInteger(numPrompts) || numPrompts < 2) throw new EngineError('invalid_config', `--requests must be an integer ≥ 2; got '${flags.requests}'.`);
  const setup: TimedServerSetup = { modelDir: resolve(flags.model), profilePath: resolve(flags.deviceProfile), tensorParallelSize, maxModelLen: 256, maxNumSeqs: 8, maxNumBatchedTokens: 64 };
  const rate = 0.7 * capacityRequestsPerS(setup, 64, 16, emulatedCardsOf(setup));
  const { fit } = await calibrateHostOverhead(setup, { label: 'calibration', numPrompts, inputLen: 64, outputLen: 16, rangeRatio: 0.5, requestRate: rate, seed: 1001 });
  const file: HostOverheadFile = {
    format: HOST_OVERHEAD_FORMAT,
    host: fit.host,
    fit: { num_steps: fit.numSteps, num_requests: fit.numRequests, rms_residual_s: fit.rmsResidualS, device_profile: setup.profilePath, tensor_parallel_size: tensorParallelSize },
  };
  writeFileSync(flags.out, `${JSON.stringify(file, null, 2)}\n`);
  process.stdout.write(
    `host overhead: ${(1e3 * fit.host.per_step_s).toFixed(3)} ms per step + ${(1e3 * fit.host.per_request_s).toFixed(3)} ms per request served, front end ${(1e3 * fit.host.frontend_s).toFixed(2)} ms per request (${fit.numSteps} busy steps, RMS residual ${(1e3 * fit.rmsResidualS).toFixed(2)} ms, ${numPrompts} requests at ${rate.toFixed(2)}/s); wrote ${flags.out}\n`,
  );
}
