import type { LinearCostCoefficients } from '../cost/linearCostModel.js';
import type { PrefillCostBasis, StepCostModel } from '../cost/stepShape.js';
import { DEFAULT_CALIBRATION_GRID } from './calibrationGrid.js';
import { fitProfile } from './fitProfile.js';
import { probeShapes } from './profileExecutor.js';

/**
 * The linear coefficients closest (non-negative least squares) to a cost model over the default calibration
 * grid: how a roofline profile, which is not linear, becomes the start of a linear fit. A linear model comes
 * back as it is, up to rounding.
 */
export function linearStartOf(model: StepCostModel, basis: PrefillCostBasis): LinearCostCoefficients {
  const samples = probeShapes(DEFAULT_CALIBRATION_GRID).map((shape) => {
    const seconds = model.stepLatencyS(shape);
    return { shape, seconds, runsS: [seconds] };
  });
  return fitProfile(samples, { name: model.name, executor: 'linear-start', repeats: 1, basis }).linear;
}
