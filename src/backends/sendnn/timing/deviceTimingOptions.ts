import { readFileSync } from 'node:fs';
import { EngineError } from '../../../core/contracts/errors.js';
import { BUILT_IN_DEVICE_PROFILES, parseDeviceProfile, type DeviceProfile } from '../../../device/deviceProfile.js';

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
  const spec = env.SPYRE_DEVICE_PROFILE?.trim() || 'spyre-card';
  const builtIn = BUILT_IN_DEVICE_PROFILES[spec];
  if (builtIn !== undefined) return builtIn;
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (error) {
    const names = Object.keys(BUILT_IN_DEVICE_PROFILES).join(', ');
    throw new EngineError('invalid_config', `SPYRE_DEVICE_PROFILE '${spec}' is neither a built-in profile (${names}) nor a readable file: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EngineError('invalid_config', `SPYRE_DEVICE_PROFILE file ${spec} is not valid JSON.`);
  }
  const profile = parseDeviceProfile(parsed, spec);
  if (typeof profile === 'string') throw new EngineError('invalid_config', profile);
  return profile;
}
