import { readFileSync } from 'node:fs';
import { EngineError } from '../../../core/contracts/errors.js';
import { resolveDeviceProfile, type DeviceProfile } from '../../../device/deviceProfile.js';

/**
 * Reads `SPYRE_DEVICE_TIMING` (unset or `off`: the emulator runs as fast as the CPU allows; `profile`: every
 * program run takes the time the profile gives) and `SPYRE_DEVICE_PROFILE` (a built-in name, default
 * `spyre-card`, or a JSON file with the DeviceProfile fields). Returns the profile, or undefined when off.
 */
export function deviceProfileFromEnv(env: Readonly<Record<string, string | undefined>>): DeviceProfile | undefined {
  const mode = env.SPYRE_DEVICE_TIMING?.trim() ?? '';
  if (mode === '' || mode === 'off') return undefined;
  if (mode !== 'profile') {
    throw new EngineError('invalid_config', `Environment variable SPYRE_DEVICE_TIMING must be 'profile' or 'off', but it was set to '${mode}'.`);
  }
  const profile = resolveDeviceProfile(env.SPYRE_DEVICE_PROFILE?.trim() || 'spyre-card', (path) => readFileSync(path, 'utf8'), 'SPYRE_DEVICE_PROFILE');
  if (typeof profile === 'string') throw new EngineError('invalid_config', profile);
  return profile;
}
