import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asRequestId } from '../../../../src/core/contracts/ids.js';
import type { StepPlan } from '../../../../src/core/contracts/stepPlan.js';
import { sendnnOptionsFromEnv } from '../../../../src/backends/sendnn/sendnnOptions.js';
import { DeviceTimer } from '../../../../src/backends/sendnn/timing/deviceTimer.js';
import { SPYRE_CARD_PROFILE, type DeviceProfile } from '../../../../src/device/deviceProfile.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../../support/tinyModel.js';
import { RecordingLogger, sendnnRig } from './sendnnRig.js';

let tiny: TinyModelDir;
let scratch: string;
beforeAll(() => {
  tiny = buildTinyModel(11);
  scratch = mkdtempSync(join(tmpdir(), 'spyre-sendnn-timing-'));
});
afterAll(() => {
  tiny.remove();
  rmSync(scratch, { recursive: true, force: true });
});

// A slow card: 40 ms of launch overhead per run, so a contended CPU cannot compute the tiny model beyond it.
const SLOW_CARD: DeviceProfile = { ...SPYRE_CARD_PROFILE, name: 'slow-test-card', launchOverheadS: 0.04 };

describe('SPYRE_DEVICE_TIMING=profile on the sendnn backend', () => {
  for (const cards of [1, 2]) describe(`having a profile that gives every step tens of ms on ${cards} card(s)`, () => {
    it('should make each step take at least its modelled time, not grossly more, and the event loop stays free', async () => {
      const logger = new RecordingLogger();
      const rig = sendnnRig(tiny.dir, { maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64, tensorParallelSize: cards }, {}, logger, { deviceMemoryBytes: 1024 ** 3, deviceProfile: SLOW_CARD });
      try {
        rig.core.addRequest({ requestId: asRequestId('a'), promptTokenIds: randomIds(1, 90, 1, 200), maxTokens: 4, ignoreEos: true, sampling: { temperature: 0 } });
        rig.core.addRequest({ requestId: asRequestId('b'), promptTokenIds: randomIds(2, 20, 1, 200), maxTokens: 4, ignoreEos: true, sampling: { temperature: 0 } });
        const timer = (rig.runner as unknown as { timer: DeviceTimer }).timer;
        const steps: { wallS: number; modelledS: number; computeS: number }[] = [];
        let ticks = 0;
        const ticker = setInterval(() => (ticks += 1), 5);
        while (rig.core.hasUnfinishedRequests()) {
          const plan: StepPlan | undefined = rig.core.beginStep();
          if (plan === undefined) { rig.core.finishStep({ sampled: [] }); continue; }
          const start = process.hrtime.bigint();
          const result = await rig.runner.execute(plan);
          const wallS = Number(process.hrtime.bigint() - start) / 1e9;
          const run = timer.lastRun;
          if (run === undefined) throw new Error('the timer recorded no run');
          steps.push({ wallS, ...run });
          rig.core.finishStep(result);
        }
        clearInterval(ticker);
        expect(steps.length).toBeGreaterThanOrEqual(5);
        for (const step of steps) {
          expect(step.modelledS).toBeGreaterThan(0.04);
          expect(step.wallS).toBeGreaterThanOrEqual(step.modelledS);
          expect(step.computeS).toBeLessThan(step.modelledS);
          expect(step.wallS).toBeLessThan(step.modelledS * 2 + 0.05);
        }
        const totalS = steps.reduce((sum, s) => sum + s.wallS, 0);
        expect(ticks).toBeGreaterThan(totalS / 0.005 / 4);
        expect(timer.overruns).toBe(0);
      } finally {
        rig.session.close();
      }
    });
  });
  describe('having a profile faster than the CPU', () => {
    it('should count the overrun steps and warn once with the figures', async () => {
      const logger = new RecordingLogger();
      const fast: DeviceProfile = { ...SPYRE_CARD_PROFILE, name: 'instant', launchOverheadS: 0, memoryBandwidthBytesPerS: 1e18, fp16FlopsPerS: 1e21 };
      const timer = new DeviceTimer(fast, { vocabSize: 100, hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16, tieWordEmbeddings: true, rmsNormEps: 1e-6, ropeTheta: 1e4 }, 1, logger);
      const start = process.hrtime.bigint() - 1_000_000n;
      await timer.waitOut({ tokens: 1, kvPositionsRead: 1, attentionPairs: 1 }, start);
      await timer.waitOut({ tokens: 1, kvPositionsRead: 1, attentionPairs: 1 }, process.hrtime.bigint() - 1_000_000n);
      expect(timer.overruns).toBe(2);
      const warnings = logger.lines.filter((line) => line.includes('device timing: a step computed in'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/computed in \d+\.\d+ ms, longer than the 0\.00 ms profile 'instant' gives it on 1 card/);
    });
  });
});

describe('sendnnOptionsFromEnv with device timing', () => {
  it('should be off by default, take the built-in spyre-card, or a profile file, and refuse bad values by name', () => {
    expect(sendnnOptionsFromEnv({}).deviceProfile).toBeUndefined();
    expect(sendnnOptionsFromEnv({ SPYRE_DEVICE_TIMING: 'off' }).deviceProfile).toBeUndefined();
    expect(sendnnOptionsFromEnv({ SPYRE_DEVICE_TIMING: 'profile' }).deviceProfile).toBe(SPYRE_CARD_PROFILE);
    const file = join(scratch, 'card.json');
    writeFileSync(file, JSON.stringify(SLOW_CARD));
    expect(sendnnOptionsFromEnv({ SPYRE_DEVICE_TIMING: 'profile', SPYRE_DEVICE_PROFILE: file }).deviceProfile).toEqual(SLOW_CARD);
    expect(() => sendnnOptionsFromEnv({ SPYRE_DEVICE_TIMING: 'on' })).toThrow("SPYRE_DEVICE_TIMING must be 'profile' or 'off', but it was set to 'on'");
    expect(() => sendnnOptionsFromEnv({ SPYRE_DEVICE_TIMING: 'profile', SPYRE_DEVICE_PROFILE: join(scratch, 'none.json') })).toThrow(/is neither a built-in profile \(spyre-card\) nor a readable file/);
    writeFileSync(file, '{');
    expect(() => sendnnOptionsFromEnv({ SPYRE_DEVICE_TIMING: 'profile', SPYRE_DEVICE_PROFILE: file })).toThrow('is not valid JSON');
  });
});
