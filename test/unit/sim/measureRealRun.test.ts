import 'reflect-metadata';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { StepExecutor } from '../../../src/core/contracts/backend.js';
import { Clock } from '../../../src/core/contracts/clock.js';
import { EngineConfig } from '../../../src/core/contracts/config.js';
import { Logger, SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import { TextCodec } from '../../../src/core/contracts/textCodec.js';
import { LlmEngine } from '../../../src/core/engine/llmEngine.js';
import { registerCore } from '../../../src/core/registerCore.js';
import { WALL_CLOCK } from '../../../src/app/wallClock.js';
import { SyntheticStepExecutor } from '../../../sim/calibrate/syntheticExecutor.js';
import { resolveCostModel } from '../../../sim/cost/resolveCostModel.js';
import { VirtualClock } from '../../../sim/kernel/virtualClock.js';
import { simulateScenario } from '../../../sim/run/simulateScenario.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';
import { compareReports } from '../../../sim/validate/compareReports.js';
import { measureRealRun } from '../../../sim/validate/measureRealRun.js';
import { LETTER_CODEC } from '../core/engine/llmEngineRig.js';

const scenario = parseScenario(
  {
    config: { max_model_len: 512, max_num_seqs: 3, max_num_batched_tokens: 64 },
    workload: { num_requests: 14, seed: 2, arrival: { process: 'closed', concurrency: 5 }, prompt_len: { dist: 'uniform', min: 5, max: 150 }, output_len: { dist: 'uniform', min: 1, max: 20 } },
    cost_model: { profile: 'spyre-illustrative' },
  },
  'validate-test',
);

describe('having the real async engine on a backend with a known cost, timed on a virtual clock', () => {
  describe('when the validation harness measures a closed-loop workload', () => {
    it('should measure exactly what the simulator predicts with the same cost', async () => {
      const config = scenarioEngineConfig(scenario.config, SILENT_LOGGER);
      const clock = new VirtualClock();
      const container = new Container();
      container.bind(EngineConfig).toConstantValue(config);
      container.bind(Clock).toConstantValue(clock);
      container.bind(Logger).toConstantValue(SILENT_LOGGER);
      container.bind(TextCodec).toConstantValue(LETTER_CODEC);
      container.bind(StepExecutor).toConstantValue(new SyntheticStepExecutor(resolveCostModel(scenario.cost_model!, '.', config), clock));
      registerCore(container);
      container.bind(LlmEngine).toSelf().inSingletonScope();
      const engine = container.get(LlmEngine);
      const measured = await measureRealRun(engine, config, scenarioWorkload(scenario, '.'), clock);
      await engine.close();
      const simulated = simulateScenario(scenario, '.');
      expect(measured.report.requests.completed).toBe(14);
      for (const row of compareReports(measured.report, simulated)) expect(Math.abs(row.relativeError), row.metric).toBeLessThan(1e-9);
      expect(measured.steps.length).toBe(simulated.steps.prefill + simulated.steps.decode);
    });
  });
});

/** A backend whose every step holds the event loop for `stepMs` of wall time, as onnxruntime's session.run does. */
class BlockingStepExecutor extends SyntheticStepExecutor {
  constructor(private readonly stepMs: number) {
    super(resolveCostModel(scenario.cost_model!, '.', scenarioEngineConfig(scenario.config, SILENT_LOGGER)), new VirtualClock());
  }

  override execute(plan: Parameters<SyntheticStepExecutor['execute']>[0]): ReturnType<SyntheticStepExecutor['execute']> {
    const end = performance.now() + this.stepMs;
    while (performance.now() < end) { /* busy: the event loop is held */ }
    return super.execute(plan);
  }
}

describe('having a real engine whose steps hold the event loop, on the wall clock', () => {
  describe('when an open-loop request arrives in the middle of a step', () => {
    it('should count its wait for that step: its arrival is its scheduled time, not when the timer could fire', async () => {
      const config = scenarioEngineConfig({ model: 'scenario', max_model_len: 256, max_num_seqs: 2, max_num_batched_tokens: 64, env: {} }, SILENT_LOGGER);
      const container = new Container();
      container.bind(EngineConfig).toConstantValue(config);
      container.bind(Clock).toConstantValue(WALL_CLOCK);
      container.bind(Logger).toConstantValue(SILENT_LOGGER);
      container.bind(TextCodec).toConstantValue(LETTER_CODEC);
      container.bind(StepExecutor).toConstantValue(new BlockingStepExecutor(120));
      registerCore(container);
      container.bind(LlmEngine).toSelf().inSingletonScope();
      const engine = container.get(LlmEngine);
      const request = (id: string, arrivalTimeS: number) => ({ id, arrivalTimeS, promptLength: 8, promptSeed: 1, prefixGroup: -1, prefixLength: 0, maxTokens: 1, ignoreEos: true });
      // A's prefill runs 0 → 120 ms; B is due at 20 ms, but its timer can only fire once A's step ends.
      const measured = await measureRealRun(engine, config, { requests: [request('a', 0), request('b', 0.02)], closedLoopConcurrency: undefined, prefixSeed: 0 }, WALL_CLOCK);
      await engine.close();
      // B: waits ~100 ms for A's step, then its own 120 ms prefill → TTFT ≈ 220 ms (≈ 120 ms if timed from the late callback).
      expect(measured.report.ttft_s.max).toBeGreaterThan(0.19);
    });
  });
});
