import { Container } from 'inversify';
import { Clock } from '../../src/core/contracts/clock.js';
import { EngineConfig } from '../../src/core/contracts/config.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import type { StepResult } from '../../src/core/contracts/stepPlan.js';
import { EngineCore, type EngineCoreStats, type StepReport } from '../../src/core/engine/engineCore.js';
import { registerCore } from '../../src/core/registerCore.js';
import { stepShapeOf } from '../cost/stepShape.js';
import type { VirtualClock } from '../kernel/virtualClock.js';
import { RequestMetrics } from '../report/requestMetrics.js';
import { DeterministicTokenBackend } from '../replay/deterministicTokenBackend.js';
import { generationRequestOf } from '../workload/generationRequestOf.js';
import type { SimRequestSpec } from '../workload/simRequest.js';
import type { ReplicaSpec } from './fleet.js';

/**
 * One replica of a simulated cluster: the real engine core (bound by registerCore, as the server binds it)
 * with the simulated backend, driven step by step by the cluster's event loop on the shared virtual clock.
 * It keeps the same metrics as a single-engine run (per-request timings, when kept, indexed by the request's
 * place in the whole workload), so one replica behind any router is exactly the single-engine simulation.
 */
export class SimReplica {
  readonly core: EngineCore;
  readonly metrics: RequestMetrics;
  numSteps = 0;
  /** The core's figures after its last step (what the cluster's timeline records). */
  statsAfterLastStep: EngineCoreStats;
  private readonly backend: DeterministicTokenBackend;
  private stepInFlight = false;
  private startPending = false;
  private idle = true;
  private inFlightResult: StepResult = { sampled: [] };
  private inFlightStartS = 0;

  constructor(
    readonly spec: ReplicaSpec,
    private readonly clock: VirtualClock,
    numRequests: number,
    keepPerRequest: boolean,
  ) {
    const container = new Container();
    container.bind(EngineConfig).toConstantValue(spec.config);
    container.bind(Clock).toConstantValue(clock);
    registerCore(container);
    this.core = container.get(EngineCore);
    this.core.setTracing(false);
    this.backend = new DeterministicTokenBackend();
    this.metrics = new RequestMetrics(numRequests, { keepPerRequest });
    this.statsAfterLastStep = this.core.stats();
  }

  /** Hands a request to the core; false when the core refuses it (a 400: counted as rejected). */
  admit(index: number, spec: SimRequestSpec, promptTokenIds: readonly number[]): boolean {
    const nowS = this.clock.nowS();
    if (spec.goldenOutputTokens !== undefined) this.backend.setGoldenTokens(spec.id, spec.goldenOutputTokens);
    try {
      this.core.addRequest(generationRequestOf(spec, promptTokenIds, nowS), { frontendValidation: this.spec.frontendValidation });
    } catch (error) {
      if (!(error instanceof EngineError) || error.kind !== 'invalid_request') throw error;
      this.metrics.rejected(index, nowS);
      return false;
    }
    this.metrics.arrived(index, spec.id, nowS, promptTokenIds.length);
    this.idle = false;
    return true;
  }

  /** True once: the replica has work and no step running or planned; the caller schedules its start now. */
  takeStartDue(): boolean {
    if (this.stepInFlight || this.startPending || this.idle) return false;
    this.startPending = true;
    return true;
  }

  /** Plans a step: its end time, or undefined when there was nothing to run (an idle step, recorded now). */
  startStep(): { readonly endS: number } | { readonly idleReport: StepReport } {
    this.startPending = false;
    const plan = this.core.beginStep();
    const nowS = this.clock.nowS();
    if (plan === undefined) {
      const report = this.core.finishStep({ sampled: [] });
      this.record(report, nowS);
      this.idle = true;
      return { idleReport: report };
    }
    this.inFlightResult = this.backend.executeSync(plan);
    this.inFlightStartS = nowS;
    this.stepInFlight = true;
    return { endS: nowS + this.spec.costModel.stepLatencyS(stepShapeOf(plan)) };
  }

  endStep(): StepReport {
    this.stepInFlight = false;
    const report = this.core.finishStep(this.inFlightResult);
    this.inFlightResult = { sampled: [] };
    this.record(report, this.inFlightStartS);
    return report;
  }

  private record(report: StepReport, startS: number): void {
    this.numSteps++;
    this.statsAfterLastStep = this.core.stats();
    this.metrics.stepEnded(report, startS, this.clock.nowS(), this.statsAfterLastStep);
    for (const ended of report.ended) this.backend.forget(ended.requestId);
  }
}
