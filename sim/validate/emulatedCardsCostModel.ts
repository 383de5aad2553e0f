import { decodeBatchSizes } from '../../src/core/catalog/requiredPrograms.js';
import type { DeviceProfile } from '../../src/device/deviceProfile.js';
import { stepTime, type StepTimeModel, type StepTimeShape } from '../../src/device/stepTime.js';
import type { StepCostModel, StepShape } from '../cost/stepShape.js';

/**
 * The device time the sendnn emulator's cards take under `SPYRE_DEVICE_TIMING=profile`, step for step: the
 * same formula (src/device/stepTime) over the same program shapes — a prefill chunk computes all its slots and
 * attends up to the chunk's end (its block table, `contextTokens`), a decode step runs the smallest compiled
 * decode program that holds its rows (batch sizes 1, 2, 4, … up to max_num_seqs), each row reading tkv
 * positions. Device time only: the host's share is a separate term (sim/cost/hostOverhead).
 */
export class EmulatedCardsCostModel implements StepCostModel {
  readonly name: string;
  private readonly programBatches: readonly number[];

  constructor(
    readonly profile: DeviceProfile,
    readonly model: StepTimeModel,
    readonly cards: number,
    maxNumSeqs: number,
  ) {
    this.programBatches = decodeBatchSizes(maxNumSeqs);
    this.name = `device profile ${profile.name} on ${cards} card${cards > 1 ? 's' : ''}`;
  }

  stepLatencyS(shape: StepShape): number {
    return stepTime(this.profile, this.model, this.programShape(shape), this.cards).totalS;
  }

  private programShape(shape: StepShape): StepTimeShape {
    if (shape.kind === 'prefill') return { tokens: shape.chunkTokens, kvPositionsRead: shape.contextTokens, attentionPairs: shape.chunkTokens * shape.contextTokens };
    const rows = Math.max(this.programBatches.find((batch) => batch >= shape.batchSize) ?? shape.batchSize, shape.batchSize);
    return { tokens: rows, kvPositionsRead: rows * shape.tkv, attentionPairs: rows * shape.tkv };
  }
}
