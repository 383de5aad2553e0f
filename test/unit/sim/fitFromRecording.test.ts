import { describe, expect, it } from 'vitest';
import type { EngineConfig } from '../../../src/core/contracts/config.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import { fitFromRecording } from '../../../sim/calibrate/fitFromRecording.js';
import { simulatedRecording } from '../../../sim/calibrate/simulatedRecording.js';
import { parseVllmBenchResult, type RecordedBenchResult } from '../../../sim/calibrate/vllmBenchResult.js';
import { parseVllmSpyrePerfLog } from '../../../sim/calibrate/vllmSpyrePerfLog.js';
import { LinearCostModel, type LinearCostCoefficients } from '../../../sim/cost/linearCostModel.js';
import { runSimulation } from '../../../sim/kernel/runSimulation.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';
import type { SimWorkload } from '../../../sim/workload/simRequest.js';
import { asVllmBenchJson, asVllmSpyrePerfLog } from '../../support/recordingFiles.js';

const TRUTH: LinearCostCoefficients = {
  fixed_s: 0.004, prefill_s: 0, prefill_per_token_s: 4e-5, prefill_per_token_context_s: 0,
  decode_per_seq_s: 0.0015, decode_per_seq_tkv_s: 0,
};
const FITTED = ['fixed_s', 'prefill_per_token_s', 'decode_per_seq_s'] as const;
/** The recorded send times are off the arrivals the server saw by up to 2 ms, as a client's are. */
const ARRIVAL_JITTER_S = 0.002;
const SCENARIO_CONFIG = { max_model_len: 1024, max_num_seqs: 4, max_num_batched_tokens: 256 };

function scenario(rate: number, seed: number, promptMean: number, numRequests: number): { config: EngineConfig; workload: SimWorkload } {
  const parsed = parseScenario({
    config: SCENARIO_CONFIG,
    workload: {
      num_requests: numRequests, seed, arrival: { process: 'poisson', rate },
      prompt_len: { dist: 'uniform', min: promptMean / 2, max: (promptMean * 3) / 2 }, output_len: { dist: 'uniform', min: 8, max: 40 },
    },
    cost_model: { profile: 'spyre-illustrative' },
  }, 'test');
  return { config: scenarioEngineConfig(parsed.config, SILENT_LOGGER), workload: scenarioWorkload(parsed, '.') };
}

const recording = (run: { config: EngineConfig; workload: SimWorkload }, noise: number, seed: number): RecordedBenchResult =>
  simulatedRecording(run.config, run.workload, TRUTH, noise, seed, ARRIVAL_JITTER_S);

function relativeError(fitted: LinearCostCoefficients, name: keyof LinearCostCoefficients): number {
  return Math.abs((fitted[name] ?? 0) / (TRUTH[name] ?? 1) - 1);
}

describe('having a recording made by the simulator with known coefficients, 2% noise and 2 ms arrival jitter (fixed seed)', () => {
  const training = scenario(12, 3, 200, 60);
  const fit = fitFromRecording(recording(training, 0.02, 11), {
    config: training.config,
    start: { ...TRUTH, fixed_s: TRUTH.fixed_s * 1.6, prefill_per_token_s: TRUTH.prefill_per_token_s * 0.6, decode_per_seq_s: TRUTH.decode_per_seq_s * 1.4 },
    fitted: FITTED,
  });

  it('when refitted from a start far off, should recover every fitted coefficient within 5%', () => {
    for (const name of FITTED) expect(relativeError(fit.coefficients, name), name).toBeLessThan(0.05);
    // Per request, a TTFT moves by a whole step when the jittered arrival lands on the other side of a step boundary.
    expect(fit.rmsLogError).toBeLessThan(0.1);
  });

  it('should give each fitted coefficient a bootstrap 5–95% range that holds the fit and the truth', () => {
    expect(fit.uncertainty?.resamples).toBe(20);
    for (const name of FITTED) {
      const range = fit.uncertainty!.ranges[name]!;
      expect(range.p5, name).toBeLessThan(range.p95);
      expect(range.p5, name).toBeLessThanOrEqual(fit.coefficients[name]);
      expect(range.p95, name).toBeGreaterThanOrEqual(fit.coefficients[name]);
      expect(range.p5, name).toBeLessThanOrEqual(TRUTH[name]!);
      expect(range.p95, name).toBeGreaterThanOrEqual(TRUTH[name]!);
    }
  });

  it('should report the residual error of TTFT p50/p99 and ITL mean/p50 at the fit, each within 5%', () => {
    for (const [name, figure] of Object.entries(fit.figures)) {
      expect(Math.abs(figure.relativeError), name).toBeLessThan(0.05);
      expect(figure.recordedS, name).toBeGreaterThan(0);
    }
  });

  it('should predict a held-out workload (another rate, other lengths) within 2% on ITL mean and 5% on TTFT p50', () => {
    const heldOut = scenario(6, 5, 400, 40);
    const figures = (coefficients: LinearCostCoefficients): { itlMeanS: number; ttftP50S: number } => {
      const metrics = runSimulation({ config: heldOut.config, workload: heldOut.workload, costModel: new LinearCostModel(coefficients), keepPerRequest: true }).metrics.perRequest!;
      const ttfts = Array.from(metrics.firstTokenS, (first, position) => first - metrics.arrivalS[position]!).sort((a, b) => a - b);
      let gaps = 0;
      let gapTimeS = 0;
      metrics.numOutputTokens.forEach((numTokens, position) => {
        gaps += numTokens - 1;
        gapTimeS += metrics.lastTokenS[position]! - metrics.firstTokenS[position]!;
      });
      return { itlMeanS: gapTimeS / gaps, ttftP50S: ttfts[Math.floor(ttfts.length / 2)]! };
    };
    const real = figures(TRUTH);
    const predicted = figures(fit.coefficients);
    expect(Math.abs(predicted.itlMeanS / real.itlMeanS - 1)).toBeLessThan(0.02);
    expect(Math.abs(predicted.ttftP50S / real.ttftP50S - 1)).toBeLessThan(0.05);
  });

  it('when fitted twice, should give the same coefficients (deterministic)', () => {
    const again = fitFromRecording(recording(training, 0.02, 11), {
      config: training.config,
      start: { ...TRUTH, fixed_s: TRUTH.fixed_s * 1.6, prefill_per_token_s: TRUTH.prefill_per_token_s * 0.6, decode_per_seq_s: TRUTH.decode_per_seq_s * 1.4 },
      fitted: FITTED,
    });
    expect(again.coefficients).toEqual(fit.coefficients);
    expect(again.uncertainty).toEqual(fit.uncertainty);
  });
});

describe('having that ground truth written out as the files users have (fixed seed)', () => {
  const training = scenario(12, 3, 200, 60);
  const truthRecording = recording(training, 0.02, 11);
  const start = { ...TRUTH, fixed_s: TRUTH.fixed_s * 0.6, prefill_per_token_s: TRUTH.prefill_per_token_s * 1.5, decode_per_seq_s: TRUTH.decode_per_seq_s * 0.7 };

  it('when read back from vllm bench serve\'s detailed JSON and refitted, should recover every coefficient within 5%', () => {
    const json = JSON.parse(JSON.stringify(asVllmBenchJson(truthRecording))) as unknown;
    const fit = fitFromRecording(parseVllmBenchResult(json, 'result.json'), { config: training.config, start, fitted: FITTED, bootstrapResamples: 0 });
    for (const name of FITTED) expect(relativeError(fit.coefficients, name), name).toBeLessThan(0.05);
  });

  it('when read back from a vLLM-Spyre perf log (times from the engine, millisecond timestamps) and refitted, should recover every coefficient within 5%', () => {
    const parsed = parseVllmSpyrePerfLog(asVllmSpyrePerfLog(truthRecording), 'request_metrics.jsonl');
    expect(parsed.requests).toHaveLength(truthRecording.requests.length);
    const fit = fitFromRecording(parsed, { config: training.config, start, fitted: FITTED, bootstrapResamples: 0 });
    for (const name of FITTED) expect(relativeError(fit.coefficients, name), name).toBeLessThan(0.05);
    for (const figure of Object.values(fit.figures)) expect(Math.abs(figure.relativeError)).toBeLessThan(0.05);
  });
});

describe('having a larger ground truth: 400 requests, 5% noise on every TTFT and gap, 2 ms arrival jitter (fixed seed)', () => {
  const training = scenario(10, 8, 300, 400);
  const start = { ...TRUTH, fixed_s: TRUTH.fixed_s * 1.5, prefill_per_token_s: TRUTH.prefill_per_token_s * 0.6, decode_per_seq_s: TRUTH.decode_per_seq_s * 1.5 };
  const fit = fitFromRecording(recording(training, 0.05, 21), { config: training.config, start, fitted: FITTED, bootstrapResamples: 10 });

  it('should recover every coefficient within 5%, each inside its bootstrap 5–95% range widened by its own half-width', () => {
    for (const name of FITTED) {
      expect(relativeError(fit.coefficients, name), name).toBeLessThan(0.05);
      const range = fit.uncertainty!.ranges[name]!;
      const halfWidth = (range.p95 - range.p5) / 2;
      expect(TRUTH[name]!, name).toBeGreaterThanOrEqual(range.p5 - halfWidth);
      expect(TRUTH[name]!, name).toBeLessThanOrEqual(range.p95 + halfWidth);
    }
  });
});
