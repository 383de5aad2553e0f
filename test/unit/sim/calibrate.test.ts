import { describe, expect, it } from 'vitest';
import type { CalibrationGrid } from '../../../sim/calibrate/calibrationGrid.js';
import { fitProfile } from '../../../sim/calibrate/fitProfile.js';
import { profileExecutor } from '../../../sim/calibrate/profileExecutor.js';
import { SyntheticStepExecutor } from '../../../sim/calibrate/syntheticExecutor.js';
import { LINEAR_COEFFICIENT_NAMES, LinearCostModel, type LinearCostCoefficients } from '../../../sim/cost/linearCostModel.js';
import { TableCostModel } from '../../../sim/cost/tableCostModel.js';
import { VirtualClock } from '../../../sim/kernel/virtualClock.js';

const KNOWN: LinearCostCoefficients = {
  fixed_s: 0.02,
  prefill_s: 0.004,
  prefill_per_token_s: 9e-5,
  prefill_per_token_context_s: 3e-9,
  decode_per_seq_s: 1e-4,
  decode_per_seq_tkv_s: 2e-7,
};

const GRID: CalibrationGrid = { chunkSizes: [128, 256, 512], contextChunks: [1, 2, 4], batchSizes: [1, 2, 4, 8], tkvs: [128, 512, 2048], repeats: 5, warmup: 1, maxContextTokens: 2048 };

async function calibrate(noise: number, known: LinearCostCoefficients = KNOWN) {
  const clock = new VirtualClock();
  const samples = await profileExecutor(new SyntheticStepExecutor(new LinearCostModel(known), clock, noise, 9), GRID, clock);
  return { samples, profile: fitProfile(samples, { name: 'synthetic', executor: 'synthetic', repeats: GRID.repeats, basis: 'padded' }) };
}

describe('having an executor whose step cost is known', () => {
  describe('when it is exact', () => {
    it('should fit back every coefficient', async () => {
      const { profile } = await calibrate(0);
      for (const name of LINEAR_COEFFICIENT_NAMES) {
        const known = KNOWN[name] ?? 0;
        expect(Math.abs(profile.linear[name] - known), name).toBeLessThanOrEqual(1e-6 * known);
      }
      expect(profile.fit.num_samples).toBe((9 + 12) * 5);
    });

    it('should keep the measured medians as a table that answers them exactly', async () => {
      const { samples, profile } = await calibrate(0);
      const table = new TableCostModel(profile.table);
      for (const sample of samples) expect(table.stepLatencyS(sample.shape)).toBeCloseTo(sample.seconds, 12);
    });
  });

  describe('when a decode step costs more fixed time than a prefill chunk', () => {
    it('should fit the two intercepts apart: the common part as fixed_s, the decode surplus as decode_s', async () => {
      const known = { ...KNOWN, prefill_s: 0, decode_s: 0.007 };
      const { profile } = await calibrate(0, known);
      expect(profile.linear.fixed_s).toBeCloseTo(known.fixed_s, 9);
      expect(profile.linear.prefill_s).toBeCloseTo(0, 9);
      expect(profile.linear.decode_s).toBeCloseTo(0.007, 9);
      expect(profile.linear.decode_per_seq_s).toBeCloseTo(known.decode_per_seq_s, 9);
    });
  });

  describe('when each step carries 3% noise', () => {
    it('should still predict the measured shapes within 2% on average', async () => {
      const { samples, profile } = await calibrate(0.03);
      const fitted = new LinearCostModel(profile.linear);
      const truth = new LinearCostModel(KNOWN);
      const errors = samples.map((sample) => Math.abs(fitted.stepLatencyS(sample.shape) / truth.stepLatencyS(sample.shape) - 1));
      expect(errors.reduce((sum, error) => sum + error, 0) / errors.length).toBeLessThan(0.02);
      expect(profile.fit.r_squared).toBeGreaterThan(0.99);
    });
  });
});

describe('having a backend that pays only for the prompt tokens of a chunk (cost basis valid, like eager)', () => {
  const truth = new LinearCostModel(KNOWN, 'truth', 'valid');
  const shortPrompt = { kind: 'prefill', chunkTokens: 128, contextTokens: 128, validTokens: 32, pastTokens: 0 } as const;

  async function tableFrom(grid: CalibrationGrid): Promise<TableCostModel> {
    const clock = new VirtualClock();
    const samples = await profileExecutor(new SyntheticStepExecutor(truth, clock), grid, clock);
    return new TableCostModel(fitProfile(samples, { name: 'valid', executor: 'synthetic', repeats: grid.repeats, basis: 'valid' }).table, 'table', 'valid');
  }

  it('when the calibration probes only full chunks, should price a 32-token prompt as a full chunk (the bias it fixes)', async () => {
    const table = await tableFrom({ ...GRID, chunkSizes: [128], contextChunks: [1] });
    expect(table.stepLatencyS(shortPrompt) / truth.stepLatencyS(shortPrompt)).toBeGreaterThan(1.3);
  });

  it('when it also probes partly filled chunks, should price short prompts as the backend does', async () => {
    const table = await tableFrom({ ...GRID, chunkSizes: [128], contextChunks: [1], prefillValidTokens: [16, 32, 64, 96] });
    expect(table.stepLatencyS(shortPrompt)).toBeCloseTo(truth.stepLatencyS(shortPrompt), 9);
    const between = { ...shortPrompt, validTokens: 48 };
    expect(Math.abs(table.stepLatencyS(between) / truth.stepLatencyS(between) - 1)).toBeLessThan(0.01);
  });
});
