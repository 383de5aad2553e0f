import { decodeBatchSizes } from '../../src/core/catalog/requiredPrograms.js';
import { stepTimeModelOf, type DecoderDimensions } from '../../src/device/decoderDimensions.js';
import type { DeviceProfile } from '../../src/device/deviceProfile.js';
import { stepTime, type StepTimeModel } from '../../src/device/stepTime.js';
import { decodeStepTimeShape, prefillStepTimeShape } from '../../src/device/stepTimeShape.js';
import type { StepCostModel, StepShape } from './stepShape.js';

/**
 * The roofline cost model: a step costs what `src/device/stepTime` gives it on `cards` cards — the very
 * formula the sendnn backend's device timing waits out (SPYRE_DEVICE_TIMING=profile), so a profile means the
 * same in `spyre sim` and in `spyre serve`. As on the cards, a prefill chunk runs its whole fixed-shape program
 * (padded basis) and a decode step runs the smallest compiled decode batch (1, 2, 4, …, max_num_seqs) that
 * holds its rows.
 */
export class RooflineCostModel implements StepCostModel {
  private readonly decodeBatches: readonly number[];
  private readonly model: StepTimeModel;

  constructor(
    readonly name: string,
    readonly device: DeviceProfile,
    readonly decoder: DecoderDimensions,
    /** How the scenario named the model (reports, refusals). */
    readonly modelName: string,
    readonly cards: number,
    maxNumSeqs: number,
  ) {
    this.decodeBatches = decodeBatchSizes(maxNumSeqs);
    this.model = stepTimeModelOf(decoder);
  }

  stepLatencyS(shape: StepShape): number {
    if (shape.kind === 'prefill') return stepTime(this.device, this.model, prefillStepTimeShape(shape.chunkTokens, shape.contextTokens), this.cards).totalS;
    const programRows = this.decodeBatches.find((batch) => batch >= shape.batchSize) ?? shape.batchSize;
    return stepTime(this.device, this.model, decodeStepTimeShape(programRows, shape.tkv), this.cards).totalS;
  }
}

/** A roofline's name ends with its card count; over a sweep of card counts it names the swept ones instead. */
export function costModelNameOverCards(name: string, tensorParallelSizes: readonly number[] | undefined): string {
  return tensorParallelSizes === undefined ? name : name.replace(/ on \d+ card\(s\)$/, ` on ${tensorParallelSizes.join(', ')} cards`);
}
