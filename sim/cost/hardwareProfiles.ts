import type { LinearCostCoefficients } from './linearCostModel.js';

/** The names `cost_model: {"profile": NAME}` accepts. */
export type HardwareProfileName = 'eager-cpu' | 'spyre-illustrative';

export const HARDWARE_PROFILE_NAMES: readonly HardwareProfileName[] = ['eager-cpu', 'spyre-illustrative'];

/** A named set of linear coefficients and where they come from. */
export interface HardwareProfile {
  readonly name: HardwareProfileName;
  /** `placeholder` and `illustrative` profiles are estimates, not measurements; reports say so. */
  readonly status: 'measured' | 'placeholder' | 'illustrative';
  readonly description: string;
  readonly coefficients: LinearCostCoefficients;
}

/**
 * PLACEHOLDER until `spyre sim calibrate` has run against the eager backend on this machine. Estimated for
 * the `small-100m` preset (≈100M fp32 parameters, 30 layers, hidden 576, 3 KV heads of 64) from the figures in
 * shared/TOOLCHAIN.md: fp32 MatMul ≈ 100 GFLOP/s on two threads, batch-1 decode memory-bound at ≈ 25 GB/s.
 * - fixed: 400 MB of weights read once per step at 25 GB/s ≈ 16 ms;
 * - per prefill slot and per decode row: 2·10⁸ FLOP at 100 GFLOP/s ≈ 2 ms;
 * - per (slot × attended position) in prefill: 4·30·576 FLOP ≈ 0.7 ns; per (row × tkv) in decode: reading
 *   30·2·192·4 B ≈ 46 KB of KV at 25 GB/s ≈ 1.8 µs.
 */
const EAGER_CPU: HardwareProfile = {
  name: 'eager-cpu',
  status: 'placeholder',
  description: 'PLACEHOLDER, not measured: small-100m on this CPU estimated from TOOLCHAIN.md figures; replace with `spyre sim calibrate` output',
  coefficients: {
    fixed_s: 0.016,
    prefill_s: 0,
    prefill_per_token_s: 0.002,
    prefill_per_token_context_s: 7e-10,
    decode_per_seq_s: 0.002,
    decode_per_seq_tkv_s: 1.8e-6,
  },
};

/**
 * ILLUSTRATIVE, not measured: granite-3.3-8b-instruct (fp16) on four Spyre cards (tensor parallel 4), by a
 * roofline argument from public figures only (IBM Research, "Lifting the cover on the IBM Spyre Accelerator";
 * the torch-spyre architecture page; IBM's Hot Chips 2024 talk): 32 cores and up to 128 GB LPDDR5 per card,
 * more than 300 TOPS per card at low precision, PCIe Gen5 x16. Assumed, because no public source gives them:
 * 200 GB/s of memory bandwidth per card and 45 TFLOP/s of sustained fp16 per card (≈30% of half the peak).
 * - fixed: 16 GB of weights / 4 cards read per step at 200 GB/s ≈ 20 ms, plus ≈ 2 ms of host and launch overhead;
 * - per prefill slot and per decode row: 2·8·10⁹ FLOP / 4 cards at 45 TFLOP/s ≈ 89 µs;
 * - per (slot × attended position) in prefill: 4·40·4096 FLOP / 4 cards ≈ 3.6 ns;
 * - per (row × tkv) in decode: 40 layers · 2 · 8 KV heads · 128 · 2 B / 4 cards = 40 KB at 200 GB/s ≈ 0.2 µs.
 * Prefill ignores that weight streaming overlaps compute, so it overestimates small chunks by up to ~20 ms.
 */
const SPYRE_ILLUSTRATIVE: HardwareProfile = {
  name: 'spyre-illustrative',
  status: 'illustrative',
  description: 'ILLUSTRATIVE, not measured: granite-3.3-8b fp16 on 4 Spyre cards, roofline from public figures with assumed bandwidth and efficiency',
  coefficients: {
    fixed_s: 0.022,
    prefill_s: 0,
    prefill_per_token_s: 89e-6,
    prefill_per_token_context_s: 3.6e-9,
    decode_per_seq_s: 89e-6,
    decode_per_seq_tkv_s: 0.2e-6,
  },
};

export const HARDWARE_PROFILES: Readonly<Record<HardwareProfileName, HardwareProfile>> = {
  'eager-cpu': EAGER_CPU,
  'spyre-illustrative': SPYRE_ILLUSTRATIVE,
};
