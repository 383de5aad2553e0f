import { describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import { resolveCostModel } from '../../../sim/cost/resolveCostModel.js';
import { runSimulation } from '../../../sim/kernel/runSimulation.js';
import { buildReport } from '../../../sim/report/buildReport.js';
import { HISTOGRAM_RELATIVE_ERROR } from '../../../sim/report/latencyHistogram.js';
import { quantileOfSorted } from '../../../sim/report/percentiles.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';

/** The report rounds to six significant digits, on top of the histogram's error. */
const TOLERANCE = HISTOGRAM_RELATIVE_ERROR + 1e-5;

function exactSummary(values: number[]): { mean: number; p50: number; p90: number; p99: number; max: number } {
  const sorted = values.slice().sort((a, b) => a - b);
  return {
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    p50: quantileOfSorted(sorted, 0.5),
    p90: quantileOfSorted(sorted, 0.9),
    p99: quantileOfSorted(sorted, 0.99),
    max: sorted.at(-1)!,
  };
}

describe('having a simulation report built from fixed-size histograms', () => {
  it('should give TTFT, ITL, TPOT and E2E within the stated histogram error of the exact figures, recomputed from the step trace', () => {
    const scenario = parseScenario(
      {
        config: { max_model_len: 2048, max_num_seqs: 16, max_num_batched_tokens: 512 },
        workload: { num_requests: 1500, seed: 3, arrival: { process: 'poisson', rate: 6 }, prompt_len: { dist: 'uniform', min: 16, max: 512 }, output_len: { dist: 'uniform', min: 8, max: 128 } },
        cost_model: { profile: 'spyre-illustrative' },
      },
      'accuracy',
    );
    const config = scenarioEngineConfig(scenario.config, SILENT_LOGGER);
    const workload = scenarioWorkload(scenario, '.');
    const costModel = resolveCostModel(scenario.cost_model!, '.', config);
    // The reference: every token's time from the trace (a line per step: its end time and who produced a token).
    const tokenTimesS = new Map<string, number[]>();
    const ended = new Map<string, number>();
    const outcome = runSimulation({
      config,
      workload,
      costModel,
      onTrace: (line) => {
        for (const id of line.outputs) tokenTimesS.set(id, [...(tokenTimesS.get(id) ?? []), line.time]);
        for (const id of line.finished) ended.set(id, line.time);
      },
    });
    const report = buildReport(outcome, config, costModel.name);
    const ttft: number[] = [];
    const itl: number[] = [];
    const tpot: number[] = [];
    const e2e: number[] = [];
    for (let index = 0; index < workload.requests.length; index++) {
      const spec = workload.requests.at(index)!;
      const times = tokenTimesS.get(spec.id)!;
      ttft.push(times[0]! - spec.arrivalTimeS);
      for (let token = 1; token < times.length; token++) itl.push(times[token]! - times[token - 1]!);
      if (times.length > 1) tpot.push((times.at(-1)! - times[0]!) / (times.length - 1));
      e2e.push(ended.get(spec.id)! - spec.arrivalTimeS);
    }
    expect(report.requests.completed).toBe(1500);
    expect(itl.length).toBeGreaterThan(50_000);
    const figures = [
      ['ttft_s', report.ttft_s, exactSummary(ttft)],
      ['itl_s', report.itl_s, exactSummary(itl)],
      ['tpot_s', report.tpot_s, exactSummary(tpot)],
      ['e2e_s', report.e2e_s, exactSummary(e2e)],
    ] as const;
    for (const [name, reported, exact] of figures) {
      for (const key of ['mean', 'p50', 'p90', 'p99', 'max'] as const) {
        expect(Math.abs(reported[key] - exact[key]), `${name}.${key}: ${reported[key]} vs exact ${exact[key]}`).toBeLessThanOrEqual(TOLERANCE * exact[key]);
      }
    }
    const sortedItl = itl.slice().sort((a, b) => a - b);
    report.itl_distribution.q.forEach((q, index) => {
      const exact = quantileOfSorted(sortedItl, q);
      expect(Math.abs(report.itl_distribution.seconds[index]! - exact), `ITL q=${q}`).toBeLessThanOrEqual(TOLERANCE * exact);
    });
  });
});
