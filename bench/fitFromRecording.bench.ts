/**
 * The inverse fit of `spyre sim calibrate --from-bench` on ground truth: a recording made by the simulator
 * under known linear coefficients (the illustrative profile's while it was linear) with 2% noise (fixed seed) is refitted from a start 30–50% off;
 * prints the wall time of the fit, the simulations it ran, and each coefficient's error.
 *
 *   npx tsx bench/fitFromRecording.bench.ts [--requests 1000] [--rate 2]
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
const rate = Number(argValue('--rate', '2'));
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
// A known linear truth: the coefficients the illustrative profile had while it was linear (fixed 22 ms, 89 µs per slot and per row).
const truth: LinearCostCoefficients = { fixed_s: 0.022, prefill_s: 0, prefill_per_token_s: 89e-6, prefill_per_token_context_s: 3.6e-9, decode_per_seq_s: 89e-6, decode_per_seq_tkv_s: 0.2e-6 };
const fitted = ['fixed_s', 'prefill_per_token_s', 'decode_per_seq_s'] as const;
const recording = simulatedRecording(config, workload, truth, 0.02, 11);
const start = { ...truth, fixed_s: truth.fixed_s * 1.5, prefill_per_token_s: truth.prefill_per_token_s * 0.7, decode_per_seq_s: truth.decode_per_seq_s * 1.3 };
const began = performance.now();
const fit = fitFromRecording(recording, { config, start, fitted });
const seconds = (performance.now() - began) / 1000;
process.stdout.write(`${numRequests} requests at ${rate}/s: fit in ${seconds.toFixed(1)} s, ${fit.evaluations} simulations, RMS log error ${fit.rmsLogError.toFixed(4)}\n`);
for (const name of fitted) {
  process.stdout.write(`  ${name.padEnd(22)} truth ${truth[name].toExponential(4)}  fitted ${fit.coefficients[name].toExponential(4)}  error ${((fit.coefficients[name] / truth[name] - 1) * 100).toFixed(2)}%\n`);
}
