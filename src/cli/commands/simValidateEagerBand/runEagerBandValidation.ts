import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WALL_CLOCK } from '../../../app/wallClock.js';
import { EngineError } from '../../../core/contracts/errors.js';
import { fitProfile } from '../../../../sim/calibrate/fitProfile.js';
import type { CalibrationProfile } from '../../../../sim/cost/calibrationProfile.js';
import { LinearCostModel } from '../../../../sim/cost/linearCostModel.js';
import type { SimulationReport } from '../../../../sim/report/simulationReport.js';
import { simulateScenario } from '../../../../sim/run/simulateScenario.js';
import type { Scenario } from '../../../../sim/scenario/scenarioSchema.js';
import { scenarioWorkload } from '../../../../sim/scenario/scenarioWorkload.js';
import { compareBand, countInside, formatBandRows, insideText, type BandRow } from '../../../../sim/validate/eagerBand.js';
import { measureRealRun, type RealRun } from '../../../../sim/validate/measureRealRun.js';
import { renderEagerBandHtml, type EagerBandWorkloadResult } from '../../../../sim/validate/renderEagerBandHtml.js';
import { capacityRequestsPerS } from '../../../../sim/validate/simulateTimedLoad.js';
import { requestList } from '../../../../sim/workload/simRequest.js';
import type { GeneratorWorkloadSpec } from '../../../../sim/workload/workloadSchema.js';
import { TIMED_WORKLOADS } from '../simValidateTimed/runTimedValidation.js';
import { createScenarioEagerEngine } from '../createScenarioEagerEngine.js';

export interface EagerBandOptions {
  readonly scenario: Scenario;
  readonly scenarioPath: string;
  readonly modelDir: string;
  readonly threads?: string;
  /** Real runs per workload (a fresh engine each). */
  readonly repeats: number;
  /** Requests per workload (default: the scenario's num_requests). */
  readonly numRequests?: number;
  /** Subset of TIMED_WORKLOADS labels (default all). */
  readonly workloads?: readonly string[];
  readonly out: string;
  readonly log: (line: string) => void;
}

export interface EagerBandResult {
  readonly workloads: readonly EagerBandWorkloadResult[];
  readonly calibration: { readonly profile: CalibrationProfile; readonly capacityRequestsPerS: number };
}

/** The scenario's generated workload (the protocol replaces its rate and count), or a clear refusal. */
function generatedWorkloadOf(scenario: Scenario): GeneratorWorkloadSpec {
  const workload = scenario.workload;
  if (workload === undefined || !('num_requests' in workload) || workload.arrival.process === 'closed') {
    throw new EngineError('invalid_config', "--against eager-band needs a scenario with a generated open-loop workload (workload: { num_requests, arrival: { process: 'poisson', rate }, prompt_len, output_len }); the protocol sets the rate of each of its workloads.");
  }
  return workload;
}

async function realRun(options: EagerBandOptions, scenario: Scenario): Promise<RealRun> {
  const created = await createScenarioEagerEngine(scenario.config, options.modelDir, options.threads);
  try {
    return await measureRealRun(created.engine, created.config, scenarioWorkload(scenario, dirname(options.scenarioPath)), WALL_CLOCK);
  } finally {
    await created.close();
  }
}

const simulated = (options: EagerBandOptions, scenario: Scenario, profile: CalibrationProfile): SimulationReport =>
  simulateScenario({ ...scenario, cost_model: { linear: profile.linear, basis: profile.basis } }, dirname(options.scenarioPath));

/**
 * The eager band protocol: a warm-up and a calibration run of the scenario as written (the latter's steps fit the linear cost
 * model and place the workloads at 0.4, 0.9 and 1.5× the estimated capacity of a full batch), then per
 * workload `repeats` real runs on the eager engine and two simulations of the same requests — with the
 * calibration's fit, and with a fit of the workload's own runs (in situ) — each figure checked against the
 * real runs' min–max band. Writes validation.json and validation.html in `out`.
 */
export async function runEagerBandValidation(options: EagerBandOptions): Promise<EagerBandResult> {
  const base = generatedWorkloadOf(options.scenario);
  const sized: Scenario = { ...options.scenario, workload: { ...base, num_requests: options.numRequests ?? base.num_requests } };
  options.log(`calibration: the scenario as written (${base.num_requests} requests at ${(base.arrival as { rate: number }).rate}/s), once to warm the process up, once measured …`);
  // The first run of a process pays for compiling the JavaScript and the ONNX sessions' first runs: not fitted.
  await realRun(options, options.scenario);
  const calibrationRun = await realRun(options, options.scenario);
  const profile = fitProfile(calibrationRun.steps, { name: 'eager band calibration run', executor: 'eager', repeats: 1, basis: 'valid' });
  const config = calibrationRun.report.settings;
  const requests = requestList(scenarioWorkload(sized, dirname(options.scenarioPath)).requests);
  const meanOf = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  const inputLen = Math.round(meanOf(requests.map((request) => request.promptLength)));
  const outputLen = Math.max(2, Math.round(meanOf(requests.map((request) => request.maxTokens))));
  const capacity = capacityRequestsPerS(
    { modelDir: options.modelDir, profilePath: '', tensorParallelSize: 1, maxModelLen: config.max_model_len, maxNumSeqs: config.max_num_seqs, maxNumBatchedTokens: config.max_num_batched_tokens },
    inputLen, outputLen, new LinearCostModel(profile.linear, 'calibration fit', profile.basis),
  );
  options.log(`calibration: linear fit R² ${profile.fit.r_squared.toFixed(3)} over ${profile.fit.num_samples} steps; estimated capacity ${capacity.toFixed(2)} requests/s (${inputLen} + ${outputLen} tokens, max_num_seqs ${config.max_num_seqs})`);
  const results: EagerBandWorkloadResult[] = [];
  for (const workload of TIMED_WORKLOADS.filter((candidate) => options.workloads === undefined || options.workloads.includes(candidate.label))) {
    const rate = workload.loadFactor * capacity;
    const scenario: Scenario = { ...sized, workload: { ...sized.workload as GeneratorWorkloadSpec, arrival: { process: 'poisson', rate } } };
    const runs: RealRun[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      options.log(`${workload.label}: real run ${repeat + 1}/${options.repeats} (${(scenario.workload as GeneratorWorkloadSpec).num_requests} requests at ${rate.toFixed(2)}/s) …`);
      runs.push(await realRun(options, scenario));
    }
    const real = runs.map((run) => run.report);
    const inSituProfile = fitProfile(runs.flatMap((run) => run.steps), { name: `in-situ fit of the ${workload.label} runs`, executor: 'eager', repeats: 1, basis: 'valid' });
    const simulation = simulated(options, scenario, profile);
    const inSituSimulation = simulated(options, scenario, inSituProfile);
    const rows = compareBand(real, simulation);
    const inSituRows = compareBand(real, inSituSimulation);
    options.log(`${workload.label}, simulated with the calibration run's fit:\n${formatBandRows(rows)}\n${workload.label}, simulated with the fit of its own runs (in situ, R² ${inSituProfile.fit.r_squared.toFixed(3)}):\n${formatBandRows(inSituRows)}`);
    const completed = real.map((report) => `${report.requests.completed}/${report.requests.total}`).join(', ');
    results.push({
      label: workload.label,
      description: `${(scenario.workload as GeneratorWorkloadSpec).num_requests} requests, Poisson ${rate.toFixed(2)}/s (${workload.loadFactor}× the estimated capacity), mean ${inputLen} prompt + ${outputLen} output tokens, max_num_seqs ${config.max_num_seqs}, chunk ${config.max_num_batched_tokens}; ${options.repeats} real runs on the eager engine (completed ${completed})`,
      real,
      simulated: simulation,
      inSituSimulated: inSituSimulation,
      rows,
      inSituRows,
    });
  }
  const calibrated = countInside(results.map((result) => result.rows));
  const inSitu = countInside(results.map((result) => result.inSituRows));
  mkdirSync(options.out, { recursive: true });
  writeFileSync(join(options.out, 'validation.json'), `${JSON.stringify({
    format: 'spyre-sim-eager-band-validation/1', model: options.modelDir, scenario: options.scenarioPath, repeats: options.repeats,
    calibration: { linear: profile.linear, r_squared: profile.fit.r_squared, num_steps: profile.fit.num_samples, capacity_requests_per_s: capacity },
    inside_the_band: { calibration_fit: calibrated, in_situ_fit: inSitu },
    workloads: results.map((result) => ({ label: result.label, description: result.description, rows: result.rows, in_situ_rows: result.inSituRows })),
  }, null, 2)}\n`);
  writeFileSync(join(options.out, 'validation.html'), renderEagerBandHtml(results, `${options.modelDir} · scenario ${options.scenarioPath} · ${options.repeats} real runs per workload`));
  return { workloads: results, calibration: { profile, capacityRequestsPerS: capacity } };
}

/** The k-of-n summary lines for the terminal. */
export function bandSummary(result: EagerBandResult): string {
  const of = (pick: (workload: EagerBandWorkloadResult) => readonly BandRow[]): string => insideText(countInside(result.workloads.map(pick)));
  return `across ${result.workloads.map((workload) => workload.label).join(', ')}: simulated with the calibration run's fit, ${of((workload) => workload.rows)}; with the in-situ fit, ${of((workload) => workload.inSituRows)}`;
}
