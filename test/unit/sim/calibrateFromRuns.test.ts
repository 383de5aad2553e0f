import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { StepExecutor } from '../../../src/core/contracts/backend.js';
import { Clock } from '../../../src/core/contracts/clock.js';
import { EngineConfig } from '../../../src/core/contracts/config.js';
import { Logger, SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import { TextCodec } from '../../../src/core/contracts/textCodec.js';
import { LlmEngine } from '../../../src/core/engine/llmEngine.js';
import { registerCore } from '../../../src/core/registerCore.js';
import { calibrateFromRuns, type CalibrationRun, type RunEngineFactory } from '../../../sim/calibrate/calibrateFromRuns.js';
import { fitProfile } from '../../../sim/calibrate/fitProfile.js';
import { profileExecutor } from '../../../sim/calibrate/profileExecutor.js';
import { SyntheticStepExecutor } from '../../../sim/calibrate/syntheticExecutor.js';
import { LinearCostModel, type LinearCostCoefficients } from '../../../sim/cost/linearCostModel.js';
import { resolveCostModel } from '../../../sim/cost/resolveCostModel.js';
import { VirtualClock } from '../../../sim/kernel/virtualClock.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { scenarioWorkload } from '../../../sim/scenario/scenarioWorkload.js';
import { LETTER_CODEC } from '../core/engine/llmEngineRig.js';

const KNOWN: LinearCostCoefficients = {
  fixed_s: 0.02,
  prefill_s: 0.004,
  prefill_per_token_s: 9e-5,
  prefill_per_token_context_s: 3e-7,
  decode_per_seq_s: 1e-3,
  decode_per_seq_tkv_s: 2e-6,
};

/** A backend that pays only for a chunk's prompt tokens, like eager. */
const TRUTH = new LinearCostModel(KNOWN, 'truth', 'valid');

/** Engine work outside the backend call per step (scheduling, sampling, streaming), in virtual seconds. */
const LOOP_OVERHEAD_S = 0.003;

function closedLoopRun(seed: number, concurrency: number): CalibrationRun {
  const scenario = parseScenario(
    {
      config: { max_model_len: 512, max_num_seqs: 4, max_num_batched_tokens: 64 },
      workload: { num_requests: 16, seed, arrival: { process: 'closed', concurrency }, prompt_len: { dist: 'uniform', min: 5, max: 200 }, output_len: { dist: 'uniform', min: 1, max: 24 } },
    },
    `closed-${seed}`,
  );
  return { name: `closed-${seed}`, config: scenario.config, workload: scenarioWorkload(scenario, '.') };
}

const RUNS = [closedLoopRun(3, 5), closedLoopRun(4, 2)];

/** The real async engine over the known-cost backend; `loopOverheadS` of virtual time passes in the loop after each step. */
function engineFactory(clock: VirtualClock, loopOverheadS: number): RunEngineFactory {
  return (scenarioConfig) => {
    const config = scenarioEngineConfig(scenarioConfig, SILENT_LOGGER);
    const container = new Container();
    container.bind(EngineConfig).toConstantValue(config);
    container.bind(Clock).toConstantValue(clock);
    container.bind(Logger).toConstantValue(SILENT_LOGGER);
    container.bind(TextCodec).toConstantValue(LETTER_CODEC);
    container.bind(StepExecutor).toConstantValue(new SyntheticStepExecutor(TRUTH, clock));
    registerCore(container);
    container.bind(LlmEngine).toSelf().inSingletonScope();
    const engine = container.get(LlmEngine);
    // Registered before the measurement's own listener, so the overhead falls inside the step it follows.
    if (loopOverheadS > 0) engine.onStep(() => clock.advanceTo(clock.nowS() + loopOverheadS));
    return Promise.resolve({ engine, config, close: () => engine.close() });
  };
}

async function calibrate(loopOverheadS: number) {
  const clock = new VirtualClock();
  return calibrateFromRuns(RUNS, engineFactory(clock, loopOverheadS), clock, { executor: 'synthetic', basis: 'valid' });
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual / expected - 1);
}

describe('having the real async engine over a backend with a known linear cost, on a virtual clock', () => {
  describe('when it is calibrated from real runs of closed-loop workloads', () => {
    it('should fit back every coefficient', async () => {
      const { profile, steps } = await calibrate(0);
      for (const [name, value] of Object.entries(KNOWN)) expect(relativeError(profile.linear[name as keyof LinearCostCoefficients], value), name).toBeLessThan(1e-6);
      expect(profile.fit.num_samples).toBe(steps.length);
      expect(profile.repeats).toBe(1);
      expect(profile.name).toContain('real runs of closed-3, closed-4');
    });

    it('should have seen decode batches of 1 to 4 and partly filled prefill chunks', async () => {
      const { steps } = await calibrate(0);
      const batchSizes = new Set(steps.flatMap(({ shape }) => (shape.kind === 'decode' ? [shape.batchSize] : [])));
      expect([...batchSizes].sort()).toEqual([1, 2, 3, 4]);
      expect(steps.some(({ shape }) => shape.kind === 'prefill' && shape.validTokens !== undefined && shape.validTokens < 64)).toBe(true);
    });

    it('should report every request of every run as finished, in order', async () => {
      const clock = new VirtualClock();
      const seen: [number, number][] = [];
      await calibrateFromRuns(RUNS, engineFactory(clock, 0), clock, { executor: 'synthetic', basis: 'valid', onRequestFinished: (done, total) => seen.push([done, total]) });
      expect(seen).toEqual(Array.from({ length: 32 }, (_, index) => [index + 1, 32]));
    });
  });

  describe('when the engine loop costs time outside the backend call', () => {
    it('should put that time into fixed_s, where probing the backend alone misses it', async () => {
      const { profile, steps } = await calibrate(LOOP_OVERHEAD_S);
      expect(relativeError(profile.linear.fixed_s, KNOWN.fixed_s + LOOP_OVERHEAD_S)).toBeLessThan(1e-6);
      expect(relativeError(profile.linear.decode_per_seq_tkv_s, KNOWN.decode_per_seq_tkv_s)).toBeLessThan(1e-6);

      const clock = new VirtualClock();
      const grid = { chunkSizes: [64], contextChunks: [1, 2, 4], prefillValidTokens: [8, 16, 32, 48], batchSizes: [1, 2, 3, 4], tkvs: [64, 128, 256], repeats: 1, warmup: 0, maxContextTokens: 512 };
      const probed = fitProfile(await profileExecutor(new SyntheticStepExecutor(TRUTH, clock), grid, clock), { name: 'probes', executor: 'synthetic', repeats: 1, basis: 'valid' });
      expect(relativeError(probed.linear.fixed_s, KNOWN.fixed_s)).toBeLessThan(1e-6);

      const fromRuns = new LinearCostModel(profile.linear, 'runs', 'valid');
      const fromProbes = new LinearCostModel(probed.linear, 'probes', 'valid');
      for (const step of steps) {
        expect(fromRuns.stepLatencyS(step.shape)).toBeCloseTo(step.seconds, 9);
        expect(step.seconds - fromProbes.stepLatencyS(step.shape)).toBeCloseTo(LOOP_OVERHEAD_S, 9);
      }
    });
  });
});

describe('having a profile fitted from real runs', () => {
  const ANY_ENGINE = { model: 'scenario', tensorParallelSize: 1, maxNumSeqs: 4 };
  async function profileFile(): Promise<string> {
    const { profile } = await calibrate(0);
    const path = join(mkdtempSync(join(tmpdir(), 'spyre-runs-profile-')), 'runs.json');
    writeFileSync(path, JSON.stringify(profile));
    return path;
  }

  it('when a scenario uses its linear fit, should price steps by it', async () => {
    const model = resolveCostModel({ file: await profileFile(), use: 'linear' }, '.', ANY_ENGINE);
    const decode = { kind: 'decode', batchSize: 3, tkv: 128 } as const;
    expect(model.stepLatencyS(decode)).toBeCloseTo(TRUTH.stepLatencyS(decode), 9);
  });

  it('when a scenario asks for its table, should refuse by name and point to the linear fit', async () => {
    const path = await profileFile();
    expect(() => resolveCostModel({ file: path, use: 'table' }, '.', ANY_ENGINE)).toThrow(/has no measured table.*fitted from real runs.*"use": "linear"/s);
    expect(() => resolveCostModel({ file: path, use: 'table' }, '.', ANY_ENGINE)).toThrow(path);
  });
});
