import { describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import type { StepTraceLine } from '../../../src/core/contracts/trace.js';
import { LinearCostModel, type LinearCostCoefficients } from '../../../sim/cost/linearCostModel.js';
import { runSimulation } from '../../../sim/kernel/runSimulation.js';
import { replayScenario } from '../../../sim/replay/replayScenario.js';
import { simulateScenario } from '../../../sim/run/simulateScenario.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';

const CONFIG = { max_model_len: 512, max_num_seqs: 2, max_num_batched_tokens: 128 };
const ONE_SECOND_PER_STEP: LinearCostCoefficients = { fixed_s: 1, prefill_s: 0, prefill_per_token_s: 0, prefill_per_token_context_s: 0, decode_per_seq_s: 0, decode_per_seq_tkv_s: 0 };

function simulate(scenarioJson: unknown, coefficients: LinearCostCoefficients = ONE_SECOND_PER_STEP) {
  const scenario = parseScenario(scenarioJson, 'test');
  const config = scenarioEngineConfig(scenario.config, SILENT_LOGGER);
  const trace: StepTraceLine[] = [];
  const outcome = runSimulation({ config, workload: scenarioWorkload(scenario, '.'), costModel: new LinearCostModel(coefficients), onTrace: (line) => trace.push(line), keepPerRequest: true });
  return { outcome, trace };
}

describe('having a timed simulation over the real engine core', () => {
  describe('when every request arrives at time 0 and steps cost nothing', () => {
    it('should step exactly as the zero-latency replay does (no scheduling logic of its own)', () => {
      const requests = [
        { id: 'a', prompt: { length: 180, seed: 1 }, max_tokens: 50, ignore_eos: true },
        { id: 'b', prompt: { length: 60, seed: 2 }, max_tokens: 9, ignore_eos: true },
        { id: 'c', prompt: { length: 130, seed: 3 }, max_tokens: 3, ignore_eos: true },
        { id: 'd', prompt: { length: 20, seed: 4 }, max_tokens: 30, ignore_eos: true },
      ];
      const replay = replayScenario(parseScenario({ config: CONFIG, requests: requests.map((request) => ({ ...request, arrival_step: 0 })) }, 'replay'));
      const zero = { ...ONE_SECOND_PER_STEP, fixed_s: 0 };
      const { trace } = simulate({ config: CONFIG, requests: requests.map((request) => ({ ...request, arrival_time: 0 })) }, zero);
      expect(trace).toEqual(replay.trace);
    });
  });

  describe('when one request of three tokens runs at one second per step', () => {
    it('should time its first token at the end of its prefill and each next one a step later', () => {
      const { outcome } = simulate({ config: CONFIG, requests: [{ id: 'x', arrival_time: 0.5, prompt: { length: 100, seed: 1 }, max_tokens: 3, ignore_eos: true }] });
      const m = outcome.metrics.perRequest!;
      expect([m.firstTokenS[0], m.lastTokenS[0], m.endS[0], m.numOutputTokens[0]]).toEqual([1.5, 3.5, 3.5, 3]);
      const itl = outcome.metrics.interToken;
      expect([itl.count, itl.min, itl.max]).toEqual([2, 1, 1]);
    });
  });

  describe("when a decoding request waits behind another request's prefill", () => {
    it('should count the stall as its prefill interrupt and in its inter-token latency', () => {
      const { outcome, trace } = simulate({
        config: CONFIG,
        requests: [
          { id: 'a', arrival_time: 0, prompt: { length: 100, seed: 1 }, max_tokens: 4, ignore_eos: true },
          { id: 'b', arrival_time: 1.5, prompt: { length: 100, seed: 2 }, max_tokens: 2, ignore_eos: true },
        ],
      });
      expect(trace.map((line) => `${line.kind}@${line.time}`)).toEqual(['prefill@1', 'decode@2', 'prefill@3', 'decode@4', 'decode@5', 'idle@5']);
      const m = outcome.metrics.perRequest!;
      expect(Array.from(m.prefillInterruptS)).toEqual([1, 0]);
      // The gaps 1, 1, 1 and 2 s: their count, sum and extremes (the histogram keeps those exactly).
      const itl = outcome.metrics.interToken;
      expect([itl.count, itl.sum, itl.min, itl.max]).toEqual([4, 5, 1, 2]);
      expect(m.firstTokenS[1]! - m.arrivalS[1]!).toBe(1.5);
    });
  });

  describe('when a request cannot fit max_model_len', () => {
    it('should count it as rejected, as the server would answer 400, and serve the others', () => {
      const report = simulateScenario(
        parseScenario({
          config: CONFIG,
          requests: [
            { id: 'ok', arrival_time: 0, prompt: { length: 10, seed: 1 }, max_tokens: 2, ignore_eos: true },
            { id: 'too-long', arrival_time: 0, prompt: { length: 500, seed: 1 }, max_tokens: 100, ignore_eos: true },
          ],
          cost_model: { linear: { fixed_s: 0.01 } },
        }, 'test'),
        '.',
      );
      expect(report.requests).toEqual({ total: 2, completed: 1, rejected: 1, failed: 0 });
    });
  });

  describe('when the loop is closed at concurrency 2', () => {
    it('should never hold more than two requests and still serve all of them', () => {
      const { outcome, trace } = simulate({
        config: { ...CONFIG, max_num_seqs: 4 },
        workload: { num_requests: 12, seed: 1, arrival: { process: 'closed', concurrency: 2 }, prompt_len: { dist: 'uniform', min: 10, max: 150 }, output_len: { dist: 'uniform', min: 1, max: 6 } },
      });
      expect(Math.max(...trace.map((line) => line.waiting.length + line.running.length))).toBe(2);
      expect(Array.from(outcome.metrics.perRequest!.state).every((state) => state === 2)).toBe(true);
    });
  });
});
