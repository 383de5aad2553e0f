import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { EngineError } from '../../src/core/contracts/errors.js';
import { resolveDeviceProfile, type DeviceProfile } from '../../src/device/deviceProfile.js';
import { tensorParallelRefusal } from '../../src/device/tensorParallel.js';
import { loadCalibrationProfile, tableOfProfile } from './calibrationProfile.js';
import type { CostModelSpec } from './costModelSpec.js';
import { HARDWARE_PROFILES } from './hardwareProfiles.js';
import { LinearCostModel } from './linearCostModel.js';
import { RooflineCostModel } from './rooflineCostModel.js';
import { scenarioDecoder } from './scenarioDecoder.js';
import type { StepCostModel } from './stepShape.js';
import { TableCostModel } from './tableCostModel.js';

/** What of the engine config a cost model depends on: the roofline prices the model on its cards. */
export interface CostModelContext {
  readonly model: string;
  readonly tensorParallelSize: number;
  readonly maxNumSeqs: number;
}

/**
 * Builds the step-time model a scenario's `cost_model` names for its engine config; a file (calibration or
 * device profile) is read relative to `baseDir`.
 */
export function resolveCostModel(spec: CostModelSpec, baseDir: string, context: CostModelContext): StepCostModel {
  if ('profile' in spec) {
    const profile = HARDWARE_PROFILES[spec.profile];
    if (profile.kind === 'roofline') return rooflineOf(profile.device, `profile:${profile.name} (${profile.status})`, baseDir, context);
    return new LinearCostModel(profile.coefficients, `profile:${profile.name} (${profile.status})`, profile.basis);
  }
  if ('device' in spec) return rooflineOf(deviceProfileOf(spec.device, baseDir), 'roofline', baseDir, context);
  if ('linear' in spec) return new LinearCostModel(spec.linear, 'linear', spec.basis);
  if ('table' in spec) return new TableCostModel(spec.table, 'table', spec.basis);
  const path = isAbsolute(spec.file) ? spec.file : resolve(baseDir, spec.file);
  const profile = loadCalibrationProfile(path);
  const basis = spec.basis ?? profile.basis;
  const name = `file:${spec.file} (${spec.use}, ${basis} prefill, ${profile.name})`;
  return spec.use === 'table' ? new TableCostModel(tableOfProfile(profile, path), name, basis) : new LinearCostModel(profile.linear, name, basis);
}

/** A device profile by the names and files SPYRE_DEVICE_PROFILE accepts (a file relative to `baseDir`). */
export function deviceProfileOf(spec: string, baseDir: string): DeviceProfile {
  const profile = resolveDeviceProfile(spec, (path) => readFileSync(isAbsolute(path) ? path : resolve(baseDir, path), 'utf8'), 'cost_model.device');
  if (typeof profile === 'string') throw new EngineError('invalid_scenario', profile);
  return profile;
}

function rooflineOf(device: DeviceProfile, what: string, baseDir: string, context: CostModelContext): RooflineCostModel {
  const decoder = scenarioDecoder(context.model, baseDir);
  const cards = context.tensorParallelSize;
  const refusal = tensorParallelRefusal(decoder.dimensions, cards, 'the roofline cost model');
  if (refusal !== undefined) throw new EngineError('invalid_scenario', `tensor_parallel_size ${cards}: ${refusal}`);
  const name = `${what} roofline ${device.name}, ${decoder.name} on ${cards} card(s)`;
  return new RooflineCostModel(name, device, decoder.dimensions, decoder.name, cards, context.maxNumSeqs);
}
