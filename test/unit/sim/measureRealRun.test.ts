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
import { SyntheticStepExecutor } from '../../../sim/calibrate/syntheticExecutor.js';
import { HARDWARE_PROFILES } from '../../../sim/cost/hardwareProfiles.js';
import { LinearCostModel } from '../../../sim/cost/linearCostModel.js';
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
      container.bind(StepExecutor).toConstantValue(new SyntheticStepExecutor(new LinearCostModel(HARDWARE_PROFILES['spyre-illustrative'].coefficients), clock));
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
