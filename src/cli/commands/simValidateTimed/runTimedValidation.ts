import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostOverheadCostModel, loadHostOverheadFile, type HostOverhead } from '../../../../sim/cost/hostOverhead.js';
import { renderTimedReportHtml, type TimedWorkloadResult } from '../../../../sim/validate/renderTimedReportHtml.js';
import { capacityRequestsPerS, simulateTimedLoad } from '../../../../sim/validate/simulateTimedLoad.js';
import { compareTimed, formatTimedRows, type LatencySamples, type TimedLoad, type TimedServerSetup } from '../../../../sim/validate/timedProtocol.js';
import { fitHostOverhead } from '../../../../sim/calibrate/fitHostOverhead.js';
import { calibrateHostOverhead, emulatedCardsOf, requestsOfLoad, samplesOfOutcomes } from './timedLoads.js';
import { frontendPairs, runTimedServer } from './timedServerRun.js';

/** The three workloads, as fractions of the estimated capacity of a full batch. */
export const TIMED_WORKLOADS: readonly { readonly label: string; readonly loadFactor: number }[] = [
  { label: 'light', loadFactor: 0.4 },
  { label: 'near-saturation', loadFactor: 0.9 },
  { label: 'overloaded', loadFactor: 1.5 },
];

export interface TimedValidationOptions {
  readonly modelDir: string;
  readonly profilePath: string;
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly tensorParallelSizes: readonly number[];
  readonly numPrompts: number;
  readonly inputLen: number;
  readonly outputLen: number;
  readonly repeats: number;
  readonly seed: number;
  /** A file of `spyre sim calibrate --host-overhead`; without it each TP is calibrated first on a separate load. */
  readonly hostOverheadPath?: string;
  /** Subset of TIMED_WORKLOADS labels (default all). */
  readonly workloads?: readonly string[];
  readonly out: string;
  readonly log: (line: string) => void;
}

export interface TimedValidationResult {
  readonly tensorParallelSize: number;
  readonly host: HostOverhead;
  readonly hostSource: string;
  readonly workloads: readonly TimedWorkloadResult[];
}

/** The separate calibration load of a TP: a different rate, lengths spread ±50% and another seed than any validated workload. */
export function calibrationLoad(options: TimedValidationOptions, capacity: number): TimedLoad {
  return { label: 'calibration', numPrompts: Math.max(40, Math.round(options.numPrompts / 2)), inputLen: options.inputLen, outputLen: options.outputLen, rangeRatio: 0.5, requestRate: 0.7 * capacity, seed: options.seed + 1000 };
}

/**
 * The protocol: per TP, the host overhead (from the file, or fitted on a separate calibration load), then per
 * workload `repeats` real runs through the HTTP server on timed cards and one simulation of the same requests;
 * writes validation.json and validation.html in `out`.
 */
export async function runTimedValidation(options: TimedValidationOptions): Promise<TimedValidationResult[]> {
  const results: TimedValidationResult[] = [];
  const workloads = TIMED_WORKLOADS.filter((workload) => options.workloads === undefined || options.workloads.includes(workload.label));
  for (const tensorParallelSize of options.tensorParallelSizes) {
    const setup: TimedServerSetup = { modelDir: options.modelDir, profilePath: options.profilePath, tensorParallelSize, maxModelLen: options.maxModelLen, maxNumSeqs: options.maxNumSeqs, maxNumBatchedTokens: options.maxNumBatchedTokens };
    const device = emulatedCardsOf(setup);
    let host: HostOverhead;
    let hostSource: string;
    if (options.hostOverheadPath !== undefined) {
      host = loadHostOverheadFile(options.hostOverheadPath).host;
      hostSource = options.hostOverheadPath;
    } else {
      const load = calibrationLoad(options, capacityRequestsPerS(setup, options.inputLen, options.outputLen, device));
      options.log(`TP ${tensorParallelSize}: calibrating the host overhead on ${load.numPrompts} requests at ${load.requestRate.toFixed(2)}/s …`);
      const calibrated = await calibrateHostOverhead(setup, load);
      host = calibrated.fit.host;
      hostSource = `fitted on a separate load (${load.numPrompts} requests at ${load.requestRate.toFixed(2)}/s, lengths ±50%, seed ${load.seed}; ${calibrated.fit.numSteps} steps)`;
    }
    options.log(`TP ${tensorParallelSize}: host ${(1e3 * host.per_step_s).toFixed(2)} ms/step + ${(1e3 * host.per_request_s).toFixed(3)} ms/request, front end ${(1e3 * host.frontend_s).toFixed(2)} ms (${hostSource})`);
    const capacity = capacityRequestsPerS(setup, options.inputLen, options.outputLen, new HostOverheadCostModel(device, { ...host, step_jitter_s: [] }));
    const done: TimedWorkloadResult[] = [];
    for (const workload of workloads) {
      const load: TimedLoad = { label: workload.label, numPrompts: options.numPrompts, inputLen: options.inputLen, outputLen: options.outputLen, rangeRatio: 0, requestRate: workload.loadFactor * capacity, seed: options.seed };
      const real: LatencySamples[] = [];
      const simulated: LatencySamples[] = [];
      const inSituSimulated: LatencySamples[] = [];
      const inSituFits: HostOverhead[] = [];
      for (let repeat = 0; repeat < options.repeats; repeat++) {
        options.log(`TP ${tensorParallelSize}, ${workload.label}: real run ${repeat + 1}/${options.repeats} (${load.numPrompts} requests at ${load.requestRate.toFixed(2)}/s) …`);
        const run = await runTimedServer(setup, load);
        real.push(samplesOfOutcomes(run.outcomes, run.durationS));
        // The simulations take the run's own send times: the client's timers drift behind the schedule.
        const requests = requestsOfLoad(load).map((request, index) => ({ ...request, arrivalS: run.outcomes[index]?.sendOffsetS ?? request.arrivalS }));
        simulated.push(simulateTimedLoad(setup, requests, device, host));
        const inSitu = fitHostOverhead(run.steps, device, frontendPairs(run)).host;
        inSituFits.push(inSitu);
        inSituSimulated.push(simulateTimedLoad(setup, requests, device, inSitu));
      }
      const rows = compareTimed(real, simulated);
      options.log(`TP ${tensorParallelSize}, ${workload.label} (host from ${options.hostOverheadPath !== undefined ? 'the file' : 'the separate calibration'}):\n${formatTimedRows(rows)}`);
      // In situ: each run simulated with the host's terms fitted on that run itself, so that the machine's load
      // drifting between the calibration and the runs does not hide what the simulator itself gets right or wrong.
      const inSituHost = [...inSituFits].sort((a, b) => a.per_step_s - b.per_step_s)[Math.floor((inSituFits.length - 1) / 2)]!;
      const inSituRows = compareTimed(real, inSituSimulated);
      options.log(`TP ${tensorParallelSize}, ${workload.label} (host fitted in situ, per run; median run: ${(1e3 * inSituHost.per_step_s).toFixed(2)} ms/step + ${(1e3 * inSituHost.per_request_s).toFixed(3)} ms/request, front end ${(1e3 * inSituHost.frontend_s).toFixed(2)} ms):\n${formatTimedRows(inSituRows)}`);
      done.push({
        label: `TP ${tensorParallelSize} · ${workload.label}`,
        description: `${load.numPrompts} requests, Poisson ${load.requestRate.toFixed(2)}/s (${workload.loadFactor}× the estimated capacity), ${load.inputLen} prompt + ${load.outputLen} output tokens, max_num_seqs ${setup.maxNumSeqs}, chunk ${setup.maxNumBatchedTokens}; ${options.repeats} real run${options.repeats > 1 ? 's' : ''}, each simulated at its own send times (figures: the medians; curves: the first run's); ${device.name}; host ${hostSource}`,
        load,
        real,
        simulated: simulated[0]!,
        rows,
        inSitu: { host: inSituHost, simulated: inSituSimulated[0]!, rows: inSituRows },
      });
    }
    results.push({ tensorParallelSize, host, hostSource, workloads: done });
  }
  mkdirSync(options.out, { recursive: true });
  const tables = results.map((result) => ({
    tensor_parallel_size: result.tensorParallelSize,
    host_overhead: result.host,
    host_overhead_source: result.hostSource,
    workloads: result.workloads.map((workload) => ({ label: workload.label, description: workload.description, rows: workload.rows, in_situ: workload.inSitu === undefined ? undefined : { host_overhead: workload.inSitu.host, rows: workload.inSitu.rows } })),
  }));
  writeFileSync(join(options.out, 'validation.json'), `${JSON.stringify({ format: 'spyre-sim-timed-validation/1', model: options.modelDir, device_profile: options.profilePath, results: tables }, null, 2)}\n`);
  const subtitle = `${options.modelDir} · device profile ${options.profilePath} · TP ${options.tensorParallelSizes.join(', ')} · seed ${options.seed}`;
  writeFileSync(join(options.out, 'validation.html'), renderTimedReportHtml(results.flatMap((result) => result.workloads), subtitle));
  return results;
}
