import { describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import { figureResiduals } from '../../../sim/calibrate/figureResiduals.js';
import { RecordingObjective } from '../../../sim/calibrate/recordingObjective.js';
import { simulatedRecording } from '../../../sim/calibrate/simulatedRecording.js';
import type { RecordedBenchResult } from '../../../sim/calibrate/vllmBenchResult.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';

const COEFFICIENTS = { fixed_s: 0.004, prefill_s: 0, prefill_per_token_s: 4e-5, prefill_per_token_context_s: 0, decode_per_seq_s: 0.0015, decode_per_seq_tkv_s: 0 };
const parsed = parseScenario({
  config: { max_model_len: 1024, max_num_seqs: 4, max_num_batched_tokens: 256 },
  workload: { num_requests: 50, seed: 2, arrival: { process: 'poisson', rate: 20 }, prompt_len: { dist: 'uniform', min: 50, max: 600 }, output_len: { dist: 'uniform', min: 2, max: 30 } },
  cost_model: { profile: 'spyre-illustrative' },
}, 'test');
const config = scenarioEngineConfig(parsed.config, SILENT_LOGGER);
const workload = scenarioWorkload(parsed, '.');

function residualsOf(recording: RecordedBenchResult, coefficients = COEFFICIENTS): ReturnType<typeof figureResiduals> {
  const objective = new RecordingObjective(recording, config, undefined);
  return figureResiduals(recording, objective.simulate(coefficients, true));
}

describe('having a recording made without noise by the simulator under known coefficients', () => {
  const exact = simulatedRecording(config, workload, COEFFICIENTS, 0, 1);

  it('when simulated under those coefficients, should match TTFT p50/p99 and ITL mean/p50 exactly (token by token)', () => {
    for (const [name, figure] of Object.entries(residualsOf(exact))) {
      expect(Math.abs(figure.relativeError), name).toBeLessThan(1e-9);
      expect(figure.recordedS, name).toBeGreaterThan(0);
    }
  });

  it('when the recording keeps only each request\'s mean ITL (a perf log), should compare means on both sides', () => {
    const meansOnly: RecordedBenchResult = { ...exact, itlsPerToken: false, requests: exact.requests.map((request) => ({ ...request, itlsS: [] })) };
    for (const [name, figure] of Object.entries(residualsOf(meansOnly))) expect(Math.abs(figure.relativeError), name).toBeLessThan(1e-9);
  });

  it('when simulated with a 10% slower decode step, should show ITLs about that much slower', () => {
    const slower = residualsOf(exact, { ...COEFFICIENTS, fixed_s: COEFFICIENTS.fixed_s * 1.1, decode_per_seq_s: COEFFICIENTS.decode_per_seq_s * 1.1 });
    expect(slower.itlMean.relativeError).toBeGreaterThan(0.05);
    expect(slower.itlP50.relativeError).toBeGreaterThan(0.05);
  });
});
