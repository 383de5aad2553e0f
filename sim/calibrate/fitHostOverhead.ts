import { fitLeastSquares } from '../cost/leastSquares.js';
import { requestsServedBy, type HostOverhead } from '../cost/hostOverhead.js';
import type { StepCostModel, StepShape } from '../cost/stepShape.js';

/** One executed step of a real run: its shape, its wall time, and whether it ran right after another step. */
export interface TimedStep {
  readonly shape: StepShape;
  /** End of the previous step to the end of this one. */
  readonly wallS: number;
  /** The engine was busy: the previous step ran something too, so no idle wait is in `wallS`. */
  readonly backToBack: boolean;
}

/** The client's and the engine's time to first token of the same requests, in the same order. */
export interface FrontendSamples {
  readonly clientTtftS: readonly number[];
  readonly engineTtftS: readonly number[];
}

export interface HostOverheadFit {
  readonly host: HostOverhead;
  readonly numSteps: number;
  readonly numRequests: number;
  readonly rmsResidualS: number;
}

/** Residual quantiles kept as the host's step jitter. */
const JITTER_QUANTILES = 64;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

/**
 * The host's terms from real runs on timed cards. The device time of every step is known (the profile gives
 * it), so what a busy step takes beyond it is the host's: fitted, non-negative, as `per_step_s` +
 * `per_request_s` × the requests the step served (least squares: the line carries the mean), and how the steps
 * scatter around that line (64 residual quantiles, the jitter the simulator draws from). The front-end
 * latency is the median over requests of the client's TTFT less the engine's (arrival at the engine to its
 * first token): what the HTTP round trip and the server add to a request before the engine sees it and after
 * its first token (a median: the TTFT targets are quantiles, and a few stalled requests would pull a mean).
 */
export function fitHostOverhead(steps: readonly TimedStep[], device: StepCostModel, frontend: FrontendSamples): HostOverheadFit {
  const busy = steps.filter((step) => step.backToBack);
  if (busy.length < 2) throw new Error(`fitting the host overhead needs at least 2 steps that ran back to back; the runs had ${busy.length}: give the calibration load more requests or a higher rate`);
  const rows = busy.map((step) => [1, requestsServedBy(step.shape)]);
  const hostS = busy.map((step) => step.wallS - device.stepLatencyS(step.shape));
  const fit = fitLeastSquares(rows, hostS, { nonNegative: true });
  const residuals = busy.map((step, index) => hostS[index]! - (fit.coefficients[0]! + fit.coefficients[1]! * requestsServedBy(step.shape))).sort((a, b) => a - b);
  const numQuantiles = Math.min(JITTER_QUANTILES, residuals.length);
  const jitter = Array.from({ length: numQuantiles }, (_, k) => residuals[Math.floor(((k + 0.5) / numQuantiles) * residuals.length)]!);
  if (frontend.clientTtftS.length !== frontend.engineTtftS.length) throw new Error(`the front end needs the client's and the engine's TTFT of the same requests (${frontend.clientTtftS.length} and ${frontend.engineTtftS.length})`);
  const frontendS = Math.max(0, median(frontend.clientTtftS.map((clientS, index) => clientS - frontend.engineTtftS[index]!)));
  return {
    host: { per_step_s: fit.coefficients[0]!, per_request_s: fit.coefficients[1]!, frontend_s: frontendS, step_jitter_s: jitter },
    numSteps: busy.length,
    numRequests: frontend.clientTtftS.length,
    rmsResidualS: fit.rmsResidual,
  };
}
