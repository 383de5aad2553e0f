/**
 * A hardware profile of one accelerator card, the inputs of the roofline step time (stepTime.ts). Pure data;
 * both the sendnn backend (SPYRE_DEVICE_TIMING=profile) and the simulator may import this module.
 */
export interface DeviceProfile {
  readonly name: string;
  /** Memory bandwidth of one card, bytes per second. */
  readonly memoryBandwidthBytesPerS: number;
  /** Sustained fp16 rate of one card, FLOP per second. */
  readonly fp16FlopsPerS: number;
  /** Host and launch overhead of one program run, seconds. */
  readonly launchOverheadS: number;
  /** Card-to-card link bandwidth for the all-reduce, bytes per second. */
  readonly linkBandwidthBytesPerS: number;
  /** Latency of one all-reduce, seconds. */
  readonly linkLatencyS: number;
  /** Memory capacity of one card, bytes (optional: the sendnn backend's default is {@link SPYRE_CARD_MEMORY_BYTES}). */
  readonly memoryBytesPerCard?: number;
}

/** IBM: "up to 128 GB of LPDDR5 memory" per Spyre card (IBM Research, "Lifting the cover on the IBM Spyre Accelerator"); taken as 128 GiB. */
export const SPYRE_CARD_MEMORY_BYTES = 128 * 1024 ** 3;

/**
 * ILLUSTRATIVE, not measured: one IBM Spyre card from public figures (IBM Research, "Lifting the cover on the
 * IBM Spyre Accelerator"; PCIe Gen5 x16 ≈ 64 GB/s) with assumed figures where none is public: 200 GB/s of
 * memory bandwidth, 45 TFLOP/s of sustained fp16 (≈30% of half the peak), 2 ms of launch overhead, 10 µs per
 * all-reduce. The simulator's `spyre-illustrative` profile is this profile under the same formula.
 */
export const SPYRE_CARD_PROFILE: DeviceProfile = {
  name: 'spyre-card',
  memoryBandwidthBytesPerS: 200e9,
  fp16FlopsPerS: 45e12,
  launchOverheadS: 0.002,
  linkBandwidthBytesPerS: 64e9,
  linkLatencyS: 10e-6,
};

export const BUILT_IN_DEVICE_PROFILES: Readonly<Record<string, DeviceProfile>> = { 'spyre-card': SPYRE_CARD_PROFILE };

const FIELDS = ['memoryBandwidthBytesPerS', 'fp16FlopsPerS', 'launchOverheadS', 'linkBandwidthBytesPerS', 'linkLatencyS'] as const;

/**
 * Checks a parsed profile file: every field a finite number, rates positive, overheads ≥ 0. Returns the profile
 * or the message naming the first bad field (the caller turns it into its own error kind).
 */
export function parseDeviceProfile(value: unknown, source: string): DeviceProfile | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `device profile ${source} must be a JSON object with ${FIELDS.join(', ')}`;
  const record = value as Record<string, unknown>;
  for (const field of FIELDS) {
    const v = record[field];
    const positive = field !== 'launchOverheadS' && field !== 'linkLatencyS';
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
      return `device profile ${source}: ${field} must be a ${positive ? 'positive' : 'non-negative'} number, but it is ${JSON.stringify(v)}`;
    }
  }
  const name = typeof record.name === 'string' ? record.name : source;
  const memory = record.memoryBytesPerCard;
  if (memory !== undefined && (typeof memory !== 'number' || !Number.isSafeInteger(memory) || memory <= 0)) {
    return `device profile ${source}: memoryBytesPerCard must be a positive integer (bytes), but it is ${JSON.stringify(memory)}`;
  }
  return {
    ...(memory !== undefined ? { memoryBytesPerCard: memory } : {}),
    name,
    memoryBandwidthBytesPerS: record.memoryBandwidthBytesPerS as number,
    fp16FlopsPerS: record.fp16FlopsPerS as number,
    launchOverheadS: record.launchOverheadS as number,
    linkBandwidthBytesPerS: record.linkBandwidthBytesPerS as number,
    linkLatencyS: record.linkLatencyS as number,
  };
}

/**
 * A profile by the names `SPYRE_DEVICE_PROFILE` accepts: a built-in name, or a JSON file with the
 * DeviceProfile fields, read through `readText` (this module reads no file itself). Returns the profile or
 * the message naming what is wrong, prefixed with `what` (e.g. `SPYRE_DEVICE_PROFILE`).
 */
export function resolveDeviceProfile(spec: string, readText: (path: string) => string, what: string): DeviceProfile | string {
  const builtIn = BUILT_IN_DEVICE_PROFILES[spec];
  if (builtIn !== undefined) return builtIn;
  let text: string;
  try {
    text = readText(spec);
  } catch (error) {
    return `${what} '${spec}' is neither a built-in profile (${Object.keys(BUILT_IN_DEVICE_PROFILES).join(', ')}) nor a readable file: ${(error as Error).message}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `${what} file ${spec} is not valid JSON.`;
  }
  return parseDeviceProfile(parsed, spec);
}
