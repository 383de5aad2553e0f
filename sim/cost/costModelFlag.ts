import { resolve } from 'node:path';
import type { CostModelSpec } from './costModelSpec.js';
import { HARDWARE_PROFILE_NAMES, type HardwareProfileName } from './hardwareProfiles.js';

/**
 * The `--cost-model` flag of the sim commands: a hardware profile name, or a profile file written by
 * `spyre sim calibrate` (optionally `FILE:table` for its measured table), relative to the working directory.
 */
export function costModelFromFlag(value: string): CostModelSpec {
  if ((HARDWARE_PROFILE_NAMES as readonly string[]).includes(value)) return { profile: value as HardwareProfileName };
  const table = value.endsWith(':table');
  const file = resolve(table ? value.slice(0, -':table'.length) : value);
  return { file, use: table ? 'table' : 'linear' };
}
