import { SPYRE_CARD_PROFILE, type DeviceProfile } from '../../src/device/deviceProfile.js';
import type { LinearCostCoefficients } from './linearCostModel.js';
import type { PrefillCostBasis } from './stepShape.js';

/** The names `cost_model: {"profile": NAME}` accepts. */
export type HardwareProfileName = 'eager-cpu' | 'spyre-illustrative';

export const HARDWARE_PROFILE_NAMES: readonly HardwareProfileName[] = ['eager-cpu', 'spyre-illustrative'];

/** A named profile: linear coefficients fitted on some hardware, or a device profile priced by the roofline. */
export type HardwareProfile = LinearHardwareProfile | RooflineHardwareProfile;

interface NamedProfile {
  readonly name: HardwareProfileName;
  /** `placeholder` and `illustrative` profiles are estimates, not measurements; reports say so. */
  readonly status: 'measured' | 'placeholder' | 'illustrative';
  readonly description: string;
}

/** A named set of linear coefficients and where they come from. */
export interface LinearHardwareProfile extends NamedProfile {
  readonly kind: 'linear';
  readonly coefficients: LinearCostCoefficients;
  /** What a prefill chunk costs by on that hardware (see PrefillCostBasis). */
  readonly basis: PrefillCostBasis;
}

/** A device profile whose steps `src/device/stepTime` prices for the scenario's model and card count (padded basis). */
export interface RooflineHardwareProfile extends NamedProfile {
  readonly kind: 'roofline';
  readonly device: DeviceProfile;
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
const EAGER_CPU: LinearHardwareProfile = {
  kind: 'linear',
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
 * ILLUSTRATIVE, not measured: the roofline of `src/device/stepTime` over the built-in `spyre-card` device
 * profile (src/device/deviceProfile.ts: public figures of IBM's Spyre card with assumed bandwidth and
 * efficiency), for the scenario's model (granite-3.3-8b-instruct when it names none) on its
 * `tensor_parallel_size` cards: the same step times the sendnn backend waits out with
 * SPYRE_DEVICE_TIMING=profile SPYRE_DEVICE_PROFILE=spyre-card.
 */
const SPYRE_ILLUSTRATIVE: RooflineHardwareProfile = {
  kind: 'roofline',
  name: 'spyre-illustrative',
  status: 'illustrative',
  description: 'ILLUSTRATIVE, not measured: the spyre-card roofline (src/device/stepTime) for the scenario\'s model on its tensor_parallel_size cards',
  device: SPYRE_CARD_PROFILE,
};

export const HARDWARE_PROFILES: Readonly<Record<HardwareProfileName, HardwareProfile>> = {
  'eager-cpu': EAGER_CPU,
  'spyre-illustrative': SPYRE_ILLUSTRATIVE,
};
