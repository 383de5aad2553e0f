/**
 * The inverse fit of `spyre sim calibrate --from-bench` on ground truth: a recording made by the simulator
 * under known linear coefficients with 2% noise (fixed seed) is refitted from a start 30–50% off;
 * prints the wall and CPU time of the fit (bootstrap included), the simulations each stage ran, each
 * coefficient's error and bootstrap 5–95% range, and the residual error per summary figure.
 *
 *   npx tsx bench/fitFromRecording.bench.ts [--requests 1000] [--rate 3] [--bootstrap 20] [--arrival-jitter-ms 2] [--truth separable|illustrative-linear]
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { SILENT_LOGGER } from '../src/core/contracts/logger.js';
import { fitFromRecording } from '../sim/calibrate/fitFromRecording.js';
import { simulatedRecording } from '../sim/calibrate/simulatedRecording.js';
import type { LinearCostCoefficients } from '../sim/cost/linearCostModel.js';
import { parseScenario } from '../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../sim/scenario/scenarioEngineConfig.js';
import { scenarioWorkload } from '../sim/scenario/scenarioWorkload.js';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: string): string => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1]! : fallback;
};
const numRequests = Number(argValue('--requests', '1000'));
const rate = Number(argValue('--rate', '3'));
const resamples = Number(argValue('--bootstrap', '20'));
const jitterS = Number(argValue('--arrival-jitter-ms', '2')) / 1000;
const scenario = parseScenario({
  config: { max_model_len: 2048, max_num_seqs: 4, max_num_batched_tokens: 1024 },
  workload: {
    num_requests: numRequests, seed: 7, arrival: { process: 'poisson', rate },
    prompt_len: { dist: 'uniform', min: 100, max: 1200 }, output_len: { dist: 'uniform', min: 16, max: 128 },
  },
  cost_model: { profile: 'spyre-illustrative' },
}, 'bench');
const config = scenarioEngineConfig(scenario.config, SILENT_LOGGER);
const workload = scenarioWorkload(scenario, '.');
/**
 * `--truth separable` (default): a decode step whose per-sequence cost is comparable to its fixed cost, so
 * every coefficient shows in the figures; `--truth illustrative-linear`: the coefficients the illustrative
 * profile had while it was linear (fixed 22 ms, 89 µs per slot and per row), whose per-sequence decode cost
 * is 1.6% of a 4-sequence step.
 */
const TRUTHS: Readonly<Record<string, LinearCostCoefficients>> = {
  'separable': { fixed_s: 0.004, prefill_s: 0, prefill_per_token_s: 4e-5, prefill_per_token_context_s: 0, decode_per_seq_s: 0.0015, decode_per_seq_tkv_s: 0 },
  'illustrative-linear': { fixed_s: 0.022, prefill_s: 0, prefill_per_token_s: 89e-6, prefill_per_token_context_s: 3.6e-9, decode_per_seq_s: 89e-6, decode_per_seq_tkv_s: 0.2e-6 },
};
const truthName = argValue('--truth', 'separable');
const chosen = TRUTHS[truthName];
if (chosen === undefined) throw new Error(`--truth must be one of ${Object.keys(TRUTHS).join(', ')}`);
const truth: Required<LinearCostCoefficients> = { decode_s: 0, ...chosen } as Required<LinearCostCoefficients>;
const fitted = ['fixed_s', 'prefill_per_token_s', 'decode_per_seq_s'] as const;
const recording = simulatedRecording(config, workload, truth, 0.02, 11, jitterS);
const start = { ...truth, fixed_s: truth.fixed_s * 1.5, prefill_per_token_s: truth.prefill_per_token_s * 0.7, decode_per_seq_s: truth.decode_per_seq_s * 1.3 };
const began = performance.now();
const cpuBefore = process.cpuUsage();
const fit = fitFromRecording(recording, { config, start, fitted, bootstrapResamples: resamples });
const seconds = (performance.now() - began) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const stages = fit.evaluationsByStage;
process.stdout.write(`${numRequests} requests at ${rate}/s, truth ${truthName}: fit in ${seconds.toFixed(1)} s (CPU ${(cpuSeconds).toFixed(1)} s), ${fit.evaluations} simulations `
  + `(search ${stages.search}, bootstrap ${stages.bootstrap} over ${fit.uncertainty?.resamples ?? 0} resamples), RMS log error ${fit.rmsLogError.toFixed(4)}\n`);
for (const name of fitted) {
  const range = fit.uncertainty?.ranges[name];
  const bounds = range === undefined ? '' : `  5–95% ${range.p5.toExponential(4)} – ${range.p95.toExponential(4)} (±${((range.p95 - range.p5) / 2 / fit.coefficients[name] * 100).toFixed(2)}%)`;
  process.stdout.write(`  ${name.padEnd(22)} truth ${truth[name].toExponential(4)}  fitted ${fit.coefficients[name].toExponential(4)}  error ${((fit.coefficients[name] / truth[name] - 1) * 100).toFixed(2)}%${bounds}\n`);
}
for (const [name, figure] of Object.entries(fit.figures)) {
  process.stdout.write(`  ${name.padEnd(8)} recorded ${(figure.recordedS * 1000).toFixed(3)} ms  simulated ${(figure.simulatedS * 1000).toFixed(3)} ms  error ${(figure.relativeError * 100).toFixed(2)}%\n`);
}
