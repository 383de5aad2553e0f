import type { LinearCostCoefficients } from './linearCostModel.js';
import type { PrefillCostBasis } from './stepShape.js';

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
  /** What a prefill chunk costs by on that hardware (see PrefillCostBasis). */
  readonly basis: PrefillCostBasis;
}

/**
 * MEASURED: the `small-100m` preset (111M fp32 parameters, 30 layers, hidden 576, 3 KV heads of 64) on the
 * eager backend of this project's build machine (2 cores with AVX-512, Node 20, onnxruntime-node 1.30, default
 * threads), fitted from real runs on 2026-11-27 at 15:52 UTC, nothing else running:
 *   sim/examples/validation/run.sh models/small-100m OUT
 * i.e. `spyre sim calibrate --executor eager --model models/small-100m --workload` over the three scenarios of
 * sim/examples/calibration/ (921 steps, R² 0.889, RMS residual 6.9 ms). Engine config of those runs:
 * max_model_len 256, max_num_seqs 4, chunk 64; the fit holds for batches of 1–4 and contexts below 256.
 * Step times include the engine loop around the backend call. Prefill costs its prompt tokens (basis `valid`).
 */
const EAGER_CPU: HardwareProfile = {
  name: 'eager-cpu',
  status: 'measured',
  description: 'measured: small-100m on the eager backend of the 2-core build machine, fitted from real runs (2026-11-27)',
  coefficients: {
    fixed_s: 0.02135,
    prefill_s: 0,
    prefill_per_token_s: 0.001158,
    prefill_per_token_context_s: 1.79e-6,
    decode_per_seq_s: 0.002876,
    decode_per_seq_tkv_s: 2.28e-6,
  },
  basis: 'valid',
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
  basis: 'padded',
};

export const HARDWARE_PROFILES: Readonly<Record<HardwareProfileName, HardwareProfile>> = {
  'eager-cpu': EAGER_CPU,
  'spyre-illustrative': SPYRE_ILLUSTRATIVE,
};
