import { EngineError } from '../../core/contracts/errors.js';
import { SPYRE_CARD_MEMORY_BYTES, type DeviceProfile } from '../../device/deviceProfile.js';
import { deviceProfileFromEnv } from './timing/deviceTimingOptions.js';

/** Settings of the sendnn backend that are not in EngineConfig (project-specific). */
export interface SendnnBackendOptions {
  /** The memory capacity of each card, bytes (the emulator enforces it). */
  readonly deviceMemoryBytes: number;
  /** Where `deviceMemoryBytes` came from, for the memory refusal's "what to change". */
  readonly deviceMemorySource?: string;
  /** SPYRE_DEVICE_TIMING=profile: every program run takes the time this profile gives it (undefined: as fast as the CPU). */
  readonly deviceProfile?: DeviceProfile;
}

/** The public figure for one Spyre card (128 GB of LPDDR5). */
export const DEFAULT_DEVICE_MEMORY_BYTES = SPYRE_CARD_MEMORY_BYTES;

/**
 * Reads the device timing (`SPYRE_DEVICE_TIMING`, `SPYRE_DEVICE_PROFILE`) and each card's capacity:
 * `SPYRE_SENDNN_DEVICE_MEMORY_BYTES`, else the timed profile's `memoryBytesPerCard`, else 128 GiB (a Spyre
 * card). Call it in the composition root, with the rest of the environment, at startup.
 */
export function sendnnOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): SendnnBackendOptions {
  const deviceProfile = deviceProfileFromEnv(env);
  const timing = deviceProfile === undefined ? {} : { deviceProfile };
  const raw = env.SPYRE_SENDNN_DEVICE_MEMORY_BYTES?.trim();
  if (raw === undefined || raw === '') {
    const fromProfile = deviceProfile?.memoryBytesPerCard;
    if (fromProfile !== undefined) {
      return { deviceMemoryBytes: fromProfile, deviceMemorySource: `memoryBytesPerCard of the device profile '${deviceProfile?.name}'`, ...timing };
    }
    return { deviceMemoryBytes: DEFAULT_DEVICE_MEMORY_BYTES, deviceMemorySource: 'the default of a Spyre card, 128 GiB; SPYRE_SENDNN_DEVICE_MEMORY_BYTES', ...timing };
  }
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
    throw new EngineError('invalid_config', `Environment variable SPYRE_SENDNN_DEVICE_MEMORY_BYTES must be a positive integer, but it was set to '${raw}'.`);
  }
  return { deviceMemoryBytes: Number(raw), deviceMemorySource: 'SPYRE_SENDNN_DEVICE_MEMORY_BYTES', ...timing };
}
