import { isAbsolute, resolve } from 'node:path';
import { loadCalibrationProfile, tableOfProfile } from './calibrationProfile.js';
import type { CostModelSpec } from './costModelSpec.js';
import { HARDWARE_PROFILES } from './hardwareProfiles.js';
import { LinearCostModel } from './linearCostModel.js';
import type { StepCostModel } from './stepShape.js';
import { TableCostModel } from './tableCostModel.js';

/** Builds the step-time model a scenario's `cost_model` names; a profile file is read relative to `baseDir`. */
export function resolveCostModel(spec: CostModelSpec, baseDir: string): StepCostModel {
  if ('profile' in spec) {
    const profile = HARDWARE_PROFILES[spec.profile];
    return new LinearCostModel(profile.coefficients, `profile:${profile.name} (${profile.status})`, profile.basis);
  }
  if ('linear' in spec) return new LinearCostModel(spec.linear, 'linear', spec.basis);
  if ('table' in spec) return new TableCostModel(spec.table, 'table', spec.basis);
  const path = isAbsolute(spec.file) ? spec.file : resolve(baseDir, spec.file);
  const profile = loadCalibrationProfile(path);
  const basis = spec.basis ?? profile.basis;
  const name = `file:${spec.file} (${spec.use}, ${basis} prefill, ${profile.name})`;
  return spec.use === 'table' ? new TableCostModel(tableOfProfile(profile, path), name, basis) : new LinearCostModel(profile.linear, name, basis);
}
