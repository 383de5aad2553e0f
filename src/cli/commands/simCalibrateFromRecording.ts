import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EngineError } from '../../core/contracts/errors.js';
import { SILENT_LOGGER } from '../../core/contracts/logger.js';
import { fitFromRecording } from '../../../sim/calibrate/fitFromRecording.js';
import { linearStartOf } from '../../../sim/calibrate/linearStart.js';
import { readVllmBenchResult } from '../../../sim/calibrate/vllmBenchResult.js';
import { readVllmSpyrePerfLog } from '../../../sim/calibrate/vllmSpyrePerfLog.js';
import { CALIBRATION_PROFILE_FORMAT, type CalibrationProfile } from '../../../sim/cost/calibrationProfile.js';
import { HARDWARE_PROFILE_NAMES, HARDWARE_PROFILES, type HardwareProfileName } from '../../../sim/cost/hardwareProfiles.js';
import { LINEAR_COEFFICIENT_NAMES } from '../../../sim/cost/linearCostModel.js';
import { resolveCostModel } from '../../../sim/cost/resolveCostModel.js';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { calibrationSummary } from './calibrationSummary.js';
import { recordingFitRecord, recordingFitSummary } from './recordingFitSummary.js';

export interface RecordingCalibrationFlags {
  /** A result of `vllm bench serve --save-result --save-detailed` (or `spyre bench serve`). */
  readonly fromBench?: string;
  /** vLLM-Spyre's per-request perf log, request_metrics.jsonl. */
  readonly fromPerfLog?: string;
  readonly scenario?: string;
  readonly profile: string;
  readonly out: string;
  /** Bootstrap resamples to refit (a non-negative integer as text; default 20). */
  readonly bootstrap?: string;
}

/**
 * `spyre sim calibrate --from-bench RESULT.json | --from-perf-log request_metrics.jsonl --scenario
 * SCENARIO.json`: fit the cost model by inverse simulation to a result of `vllm bench serve --save-result
 * --save-detailed` (times from when the client sent each request) or to vLLM-Spyre's perf log (times from
 * each request's arrival at the engine). Neither keeps the server configuration, so the scenario's `config`
 * gives it; the search starts from `--profile`'s coefficients and fits each of them that is positive there.
 */
export function calibrateFromRecording(flags: RecordingCalibrationFlags): void {
  if (flags.fromBench !== undefined && flags.fromPerfLog !== undefined) {
    throw new EngineError('invalid_config', '--from-bench and --from-perf-log conflict: fit to one recording at a time.');
  }
  const source = flags.fromBench !== undefined ? '--from-bench' : '--from-perf-log';
  const path = flags.fromBench ?? flags.fromPerfLog;
  if (path === undefined) throw new EngineError('invalid_config', 'calibrateFromRecording needs --from-bench or --from-perf-log.');
  if (flags.scenario === undefined) {
    throw new EngineError('invalid_config', `${source} needs --scenario FILE whose config is the recorded server's (max_model_len, max_num_seqs, max_num_batched_tokens): the recording does not keep it.`);
  }
  if (!(HARDWARE_PROFILE_NAMES as readonly string[]).includes(flags.profile)) throw new EngineError('invalid_config', `--profile must be one of ${HARDWARE_PROFILE_NAMES.join(', ')}; got '${flags.profile}'.`);
  const named = HARDWARE_PROFILES[flags.profile as HardwareProfileName];
  const recording = flags.fromBench !== undefined ? readVllmBenchResult(flags.fromBench) : readVllmSpyrePerfLog(path);
  const config = scenarioEngineConfig(loadScenarioFile(flags.scenario).config, SILENT_LOGGER);
  // A roofline profile is not linear: the search starts from its closest linear model for the scenario's config.
  const start = named.kind === 'linear'
    ? { coefficients: named.coefficients, basis: named.basis }
    : { coefficients: linearStartOf(resolveCostModel({ profile: named.name }, dirname(flags.scenario), config), 'padded'), basis: 'padded' as const };
  const fitted = LINEAR_COEFFICIENT_NAMES.filter((name) => (start.coefficients[name] ?? 0) > 0);
  const resamples = Number(flags.bootstrap ?? '20');
  if (!Number.isInteger(resamples) || resamples < 0) throw new EngineError('invalid_config', `--bootstrap must be a whole number of resamples (0 for none); got '${flags.bootstrap}'.`);
  const fit = fitFromRecording(recording, { config, start: start.coefficients, fitted, basis: start.basis, bootstrapResamples: resamples });
  const profile: CalibrationProfile = {
    format: CALIBRATION_PROFILE_FORMAT,
    name: `${flags.fromBench !== undefined ? 'vllm-bench' : 'vllm-spyre-perf-log'}:${path}`,
    executor: flags.fromBench !== undefined ? 'vllm-bench' : 'vllm-spyre-perf-log',
    repeats: 1,
    basis: start.basis,
    linear: fit.coefficients,
    fit: { rms_residual_s: fit.rmsResidualS, r_squared: fit.rSquared, num_samples: fit.numFigures },
    table: { prefill: [], decode: [] },
    recording_fit: recordingFitRecord(fit),
  };
  writeFileSync(flags.out, JSON.stringify(profile, null, 2) + '\n');
  process.stdout.write(calibrationSummary(profile, `${recording.requests.length} recorded requests (${fit.evaluations} simulations, RMS log error ${fit.rmsLogError.toFixed(4)})`, flags.out, `use it with "cost_model": {"file": "${flags.out}"}`));
  process.stdout.write(flags.fromBench !== undefined
    ? 'times in the file count from each client send (network, HTTP and tokenization included)\n'
    : 'times in the file count from each arrival at the engine (the front end\'s time is not in them)\n');
  process.stdout.write(recordingFitSummary(fit));
}
