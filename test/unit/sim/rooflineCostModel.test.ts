// The simulator's roofline prices every step exactly as the sendnn backend's device timing waits it out: the
// same profile, model and card count give the same seconds, bit for bit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decoderProgramShapes } from '../../../src/core/catalog/requiredPrograms.js';
import { asRequestId } from '../../../src/core/contracts/ids.js';
import type { DecodeBatchPlan, PrefillChunkPlan, StepPlan } from '../../../src/core/contracts/stepPlan.js';
import { DeviceTimer } from '../../../src/backends/sendnn/timing/deviceTimer.js';
import { stepShapeOf as sendnnStepShapeOf } from '../../../src/backends/sendnn/timing/stepShapeOf.js';
import { GRANITE_3_3_8B_INSTRUCT } from '../../../src/device/decoderDimensions.js';
import { SPYRE_CARD_PROFILE, type DeviceProfile } from '../../../src/device/deviceProfile.js';
import { resolveCostModel } from '../../../sim/cost/resolveCostModel.js';
import { stepShapeOf } from '../../../sim/cost/stepShape.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../support/tinyModel.js';
import { RecordingLogger, sendnnRig } from '../backends/sendnn/sendnnRig.js';

const GRANITE_DESC = { ...GRANITE_3_3_8B_INSTRUCT, rmsNormEps: 1e-5, ropeTheta: 1e7 };
const sampling = { temperature: 0 };

function prefillPlan(chunkSize: number, chunkIndex: number): PrefillChunkPlan {
  const blocks = ((chunkIndex + 1) * chunkSize) / 64;
  return {
    kind: 'prefill', requestId: asRequestId('p'), sampling, chunkIndex, chunkSize, tokenIds: new Array<number>(chunkSize).fill(1),
    firstTokenIndex: chunkIndex * chunkSize, firstValidSlot: 0, endValidSlot: chunkSize - 7,
    blockTable: Array.from({ length: blocks }, (_, b) => (b + 1)), paddingBlocks: 0, slotBlocks: [], isLastChunk: false,
  };
}

function decodePlan(rows: number, tkv: number): DecodeBatchPlan {
  return {
    kind: 'decode', tkv,
    rows: Array.from({ length: rows }, (_, r) => ({
      requestId: asRequestId(`d${r}`), sampling, tokenId: 1, position: tkv - 1 - r, blockTable: [(r + 1)], paddingBlocks: 0, numPromptTokens: 10,
    })),
  };
}

describe('the roofline cost model against the sendnn device timing', () => {
  describe('having granite-3.3-8b-instruct on the spyre-card profile', () => {
    const maxNumSeqs = 32;
    const plans: StepPlan[] = [
      ...[0, 1, 3].map((index) => prefillPlan(1024, index)),
      prefillPlan(256, 0),
      ...[1, 3, 5, 17, 32].flatMap((rows) => [64, 1024, 4096].map((tkv) => decodePlan(rows, tkv))),
    ];
    for (const cards of [1, 2, 4, 8]) {
      it(`should price every step on ${cards} card(s) to the bit as the device timer models it`, () => {
        const timer = new DeviceTimer(SPYRE_CARD_PROFILE, GRANITE_DESC, cards, new RecordingLogger());
        // The sendnn session runs the smallest compiled decode program that holds the rows.
        const decodeBatches = decoderProgramShapes({ maxModelLen: 8192, maxNumSeqs, chunkSize: 1024 }).filter((shape) => shape.kind === 'decode').map((shape) => shape.batchSize);
        const sim = resolveCostModel({ profile: 'spyre-illustrative' }, '.', { model: 'ibm-granite/granite-3.3-8b-instruct', tensorParallelSize: cards, maxNumSeqs });
        for (const plan of plans) {
          const programBatch = plan.kind === 'decode' ? decodeBatches.find((batch) => batch >= plan.rows.length)! : 1;
          expect(sim.stepLatencyS(stepShapeOf(plan))).toBe(timer.modelledS(sendnnStepShapeOf(plan, programBatch)));
        }
      });
    }
  });

  describe('having the real sendnn emulator timed by a profile file, on the tiny model directory', () => {
    let tiny: TinyModelDir;
    let scratch: string;
    beforeAll(() => {
      tiny = buildTinyModel(5);
      scratch = mkdtempSync(join(tmpdir(), 'spyre-roofline-'));
    });
    afterAll(() => {
      tiny.remove();
      rmSync(scratch, { recursive: true, force: true });
    });

    for (const cards of [1, 2]) {
      it(`should give each step the time the emulator's timer gave it on ${cards} card(s), decode padding to the compiled batch included`, async () => {
        // A fast card: the waits stay below a millisecond, the compute overruns them (counted, warned once).
        const card: DeviceProfile = { name: 'fast-test-card', memoryBandwidthBytesPerS: 1e12, fp16FlopsPerS: 1e14, launchOverheadS: 1e-5, linkBandwidthBytesPerS: 1e11, linkLatencyS: 1e-6 };
        const file = join(scratch, 'card.json');
        writeFileSync(file, JSON.stringify(card));
        const maxNumSeqs = 4;
        const rig = sendnnRig(tiny.dir, { maxModelLen: 256, maxNumSeqs, maxNumBatchedTokens: 64, tensorParallelSize: cards }, {}, new RecordingLogger(), { deviceMemoryBytes: 1024 ** 3, deviceProfile: card });
        const sim = resolveCostModel({ device: 'card.json' }, scratch, { model: tiny.dir, tensorParallelSize: cards, maxNumSeqs });
        try {
          [90, 20, 130].forEach((length, i) => rig.core.addRequest({ requestId: asRequestId(`r${i}`), promptTokenIds: randomIds(i, length, 1, 200), maxTokens: 12 + i, ignoreEos: true, sampling }));
          const timer = (rig.runner as unknown as { timer: DeviceTimer }).timer;
          const seen = new Set<string>();
          while (rig.core.hasUnfinishedRequests()) {
            const plan = rig.core.beginStep();
            if (plan === undefined) {
              rig.core.finishStep({ sampled: [] });
              continue;
            }
            const result = await rig.runner.execute(plan);
            const shape = stepShapeOf(plan);
            expect(sim.stepLatencyS(shape)).toBe(timer.lastRun!.modelledS);
            seen.add(shape.kind === 'prefill' ? `prefill ${shape.contextTokens}` : `decode ${shape.batchSize}`);
            rig.core.finishStep(result);
          }
          // Prefills of one and more chunks, and decode batches of 1, 2 and 3 rows (3 runs the batch-4 program).
          expect([...seen].sort()).toEqual(expect.arrayContaining(['decode 1', 'decode 2', 'decode 3', 'prefill 128', 'prefill 192']));
        } finally {
          rig.session.close();
        }
      });
    }
  });

  describe('when the scenario names its model', () => {
    it('should read a preset or default to granite, and refuse a name it cannot resolve, naming what it accepts', () => {
      const context = { tensorParallelSize: 1, maxNumSeqs: 4 };
      expect(resolveCostModel({ profile: 'spyre-illustrative' }, '.', { ...context, model: 'scenario' }).name).toContain('granite-3.3-8b-instruct on 1 card(s)');
      const small = resolveCostModel({ device: 'spyre-card' }, '.', { ...context, model: 'small-100m' });
      const granite = resolveCostModel({ device: 'spyre-card' }, '.', { ...context, model: 'granite-3.3-8b-instruct' });
      const decode = { kind: 'decode', batchSize: 1, tkv: 128 } as const;
      expect(small.stepLatencyS(decode)).toBeLessThan(granite.stepLatencyS(decode) / 20);
      expect(() => resolveCostModel({ device: 'spyre-card' }, '.', { ...context, model: 'no-such-model' })).toThrow(/config\.model 'no-such-model' is neither a named model \(granite-3\.3-8b-instruct.*a preset \(tiny, [a-z0-9, -]*\) nor a model directory/);
      expect(() => resolveCostModel({ device: 'no-such-card.json' }, '.', { ...context, model: 'tiny' })).toThrow(/cost_model\.device 'no-such-card\.json' is neither a built-in profile \(spyre-card\) nor a readable file/);
      expect(() => resolveCostModel({ device: 'spyre-card' }, '.', { ...context, model: 'small-100m', tensorParallelSize: 2 })).toThrow(/tensor_parallel_size 2: the model cannot be split across 2 cards: it has 9 attention heads and 3 KV heads/);
    });
  });
});
