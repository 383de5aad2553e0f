import { EngineError } from '../../core/contracts/errors.js';
import type { DeviceProfile } from '../../device/deviceProfile.js';
import { deviceProfileFromEnv } from './timing/deviceTimingOptions.js';

/** Settings of the sendnn backend that are not in EngineConfig (project-specific). */
export interface SendnnBackendOptions {
  /** The device's memory capacity in bytes (the emulator enforces it). */
  readonly deviceMemoryBytes: number;
  /** SPYRE_DEVICE_TIMING=profile: every program run takes the time this profile gives it (undefined: as fast as the CPU). */
  readonly deviceProfile?: DeviceProfile;
}

export const DEFAULT_DEVICE_MEMORY_BYTES = 16 * 1024 ** 3;

/**
 * Reads `SPYRE_SENDNN_DEVICE_MEMORY_BYTES` (default 16 GiB) and the device timing (`SPYRE_DEVICE_TIMING`,
 * `SPYRE_DEVICE_PROFILE`). Call it in the composition root, with the
 * rest of the environment, at startup.
 */
export function sendnnOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): SendnnBackendOptions {
  const deviceProfile = deviceProfileFromEnv(env);
  const timing = deviceProfile === undefined ? {} : { deviceProfile };
  const raw = env.SPYRE_SENDNN_DEVICE_MEMORY_BYTES?.trim();
  if (raw === undefined || raw === '') return { deviceMemoryBytes: DEFAULT_DEVICE_MEMORY_BYTES, ...timing };
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
    throw new EngineError('invalid_config', `Environment variable SPYRE_SENDNN_DEVICE_MEMORY_BYTES must be a positive integer, but it was set to '${raw}'.`);
  }
  return { deviceMemoryBytes: Number(raw), ...timing };
}
