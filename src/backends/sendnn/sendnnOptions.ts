import { EngineError } from '../../core/contracts/errors.js';

/** Settings of the sendnn backend that are not in EngineConfig (project-specific). */
export interface SendnnBackendOptions {
  /** The device's memory capacity in bytes (the emulator enforces it). */
  readonly deviceMemoryBytes: number;
}

export const DEFAULT_DEVICE_MEMORY_BYTES = 16 * 1024 ** 3;

/**
 * Reads `SPYRE_SENDNN_DEVICE_MEMORY_BYTES` (default 16 GiB). Call it in the composition root, with the
 * rest of the environment, at startup.
 */
export function sendnnOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): SendnnBackendOptions {
  const raw = env.SPYRE_SENDNN_DEVICE_MEMORY_BYTES?.trim();
  if (raw === undefined || raw === '') return { deviceMemoryBytes: DEFAULT_DEVICE_MEMORY_BYTES };
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
    throw new EngineError('invalid_config', `Environment variable SPYRE_SENDNN_DEVICE_MEMORY_BYTES must be a positive integer, but it was set to '${raw}'.`);
  }
  return { deviceMemoryBytes: Number(raw) };
}
