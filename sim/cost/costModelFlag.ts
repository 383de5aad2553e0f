import { resolve } from 'node:path';
import { BUILT_IN_DEVICE_PROFILES } from '../../src/device/deviceProfile.js';
import type { CostModelSpec } from './costModelSpec.js';
import { HARDWARE_PROFILE_NAMES, type HardwareProfileName } from './hardwareProfiles.js';

const DEVICE_PREFIX = 'device:';

/**
 * The `--cost-model` flag of the sim commands: a hardware profile name, a built-in device profile
 * (`spyre-card`) or `device:CARD.json` for the roofline over a device profile file, or a profile file
 * written by `spyre sim calibrate` (optionally `FILE:table` for its measured table); files relative to the
 * working directory.
 */
export function costModelFromFlag(value: string): CostModelSpec {
  if ((HARDWARE_PROFILE_NAMES as readonly string[]).includes(value)) return { profile: value as HardwareProfileName };
  if (BUILT_IN_DEVICE_PROFILES[value] !== undefined) return { device: value };
  if (value.startsWith(DEVICE_PREFIX)) return { device: resolve(value.slice(DEVICE_PREFIX.length)) };
  const table = value.endsWith(':table');
  const file = resolve(table ? value.slice(0, -':table'.length) : value);
  return { file, use: table ? 'table' : 'linear' };
}
