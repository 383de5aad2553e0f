import { Container } from 'inversify';
import { Clock } from '../../src/core/contracts/clock.js';
import { EngineConfig } from '../../src/core/contracts/config.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import type { StepResult } from '../../src/core/contracts/stepPlan.js';
import type { StepTraceLine } from '../../src/core/contracts/trace.js';
import { EngineCore, type EngineCoreStats, type StepReport } from '../../src/core/engine/engineCore.js';
import { registerCore } from '../../src/core/registerCore.js';
import { stepShapeOf, type StepCostModel } from '../cost/stepShape.js';
import { RequestMetrics } from '../report/requestMetrics.js';
import { DeterministicTokenBackend } from '../replay/deterministicTokenBackend.js';
import { PromptBuilder } from '../workload/promptTokens.js';
import { generationRequestOf } from '../workload/generationRequestOf.js';
import type { RequestSequence, SimWorkload } from '../workload/simRequest.js';
import { EventQueue } from './eventQueue.js';
import { VirtualClock } from './virtualClock.js';

/**
 * Event kinds, as queue priorities: at one instant every arrival is queued before a step ends, and a step
 * starts only after both, so a step planned at time t sees every request that arrived at t.
 */
const ARRIVAL = 0;
const STEP_END = 1;
const STEP_START = 2;

export interface SimulationInput {
  readonly config: EngineConfig;
  readonly workload: SimWorkload;
  readonly costModel: StepCostModel;
  /** false: requests go straight to the engine core, past SPEC §1.4's padded check (scenario `frontend_validation`). */
  readonly frontendValidation?: boolean;
  /** Receives every step's trace line as it is written (for trace.jsonl); omit it and nothing is kept. */
  readonly onTrace?: (line: StepTraceLine) => void;
  /** Keep each request's timings (`metrics.perRequest`, for calibration); a report needs none. */
  readonly keepPerRequest?: boolean;
}

export interface SimulationOutcome {
  readonly metrics: RequestMetrics;
  readonly stats: EngineCoreStats;
  readonly numSteps: number;
  readonly endTimeS: number;
}

/**
 * Runs a workload through the real engine core (bound by registerCore, exactly as the server binds it) on a
 * virtual clock. At time t the core plans a step; a simulated backend answers with deterministic tokens and
 * the step ends at t + costModel(plan); arrivals are events. Nothing here decides what runs: that is the
 * core's scheduler. A step with nothing to run is recorded once (an idle step) and the loop then waits for
 * the next arrival.
 */
export function runSimulation(input: SimulationInput): SimulationOutcome {
  return new Simulation(input).run();
}

class Simulation {
  private readonly queue = new EventQueue(256);
  private readonly clock = new VirtualClock();
  private readonly core: EngineCore;
  private readonly backend: DeterministicTokenBackend;
  private readonly prompts: PromptBuilder;
  private readonly metrics: RequestMetrics;
  private readonly requests: RequestSequence;
  private nextArrival = 0;
  private stepInFlight = false;
  private startPending = false;
  private engineIdle = true;
  private inFlightResult: StepResult = { sampled: [] };
  private inFlightStartS = 0;
  private numSteps = 0;

  constructor(private readonly input: SimulationInput) {
    const container = new Container();
    container.bind(EngineConfig).toConstantValue(input.config);
    container.bind(Clock).toConstantValue(this.clock);
    registerCore(container);
    this.core = container.get(EngineCore);
    // Trace lines cost more than the step itself: build them only for a caller that keeps them.
    this.core.setTracing(input.onTrace !== undefined);
    this.requests = input.workload.requests;
    this.backend = new DeterministicTokenBackend();
    this.prompts = new PromptBuilder(input.workload);
    this.metrics = new RequestMetrics(this.requests.length, { keepPerRequest: input.keepPerRequest ?? false });
  }

  run(): SimulationOutcome {
    const concurrency = this.input.workload.closedLoopConcurrency;
    if (concurrency === undefined) this.scheduleNextArrival(0);
    else for (let slot = 0; slot < concurrency; slot++) this.scheduleNextArrival(0);
    while (this.queue.size > 0) this.handleNextEvent();
    if (this.core.hasUnfinishedRequests()) {
      throw new EngineError('invariant_violated', `The simulation stalled at ${this.clock.nowS()}s: requests are left but the core plans no step and none will arrive.`);
    }
    this.metrics.occupancy.close();
    return { metrics: this.metrics, stats: this.core.stats(), numSteps: this.numSteps, endTimeS: this.clock.nowS() };
  }

  /**
   * One event, in a method of its own rather than the loop's body: V8 then optimises it as a function, code
   * the next run reuses from its first event (a long loop is optimised on the stack, for that call only, and
   * the next run would start over in the interpreter).
   */
  private handleNextEvent(): void {
    const payload = this.queue.pop();
    this.clock.advanceTo(this.queue.poppedTimeS);
    if (this.queue.poppedPriority === ARRIVAL) this.arrive(payload);
    else if (this.queue.poppedPriority === STEP_END) this.endStep();
    else this.startStep();
    if (!this.stepInFlight && !this.startPending && !this.engineIdle) {
      this.queue.push(this.clock.nowS(), STEP_START, -1);
      this.startPending = true;
    }
  }

  /** Open loop: the next request in arrival order. Closed loop: the next request, now (`atS`). */
  private scheduleNextArrival(atS: number): void {
    const index = this.nextArrival;
    if (index >= this.requests.length) return;
    this.nextArrival++;
    const timeS = this.input.workload.closedLoopConcurrency === undefined ? this.requests.at(index)!.arrivalTimeS : atS;
    this.queue.push(timeS, ARRIVAL, index);
  }

  private arrive(index: number): void {
    const spec = this.requests.at(index)!;
    const nowS = this.clock.nowS();
    const openLoop = this.input.workload.closedLoopConcurrency === undefined;
    if (openLoop) this.scheduleNextArrival(nowS);
    const promptTokenIds = this.prompts.promptTokensOf(spec);
    if (spec.goldenOutputTokens !== undefined) this.backend.setGoldenTokens(spec.id, spec.goldenOutputTokens);
    try {
      this.core.addRequest(generationRequestOf(spec, promptTokenIds, nowS), { frontendValidation: this.input.frontendValidation ?? true });
    } catch (error) {
      if (!(error instanceof EngineError) || error.kind !== 'invalid_request') throw error;
      // Like a 400 from the server: counted, and (closed loop) the client sends its next request.
      this.metrics.rejected(index, nowS);
      if (!openLoop) this.scheduleNextArrival(nowS);
      return;
    }
    this.metrics.arrived(index, spec.id, nowS, promptTokenIds.length);
    this.engineIdle = false;
  }

  private startStep(): void {
    this.startPending = false;
    const plan = this.core.beginStep();
    const nowS = this.clock.nowS();
    if (plan === undefined) {
      this.record(this.core.finishStep({ sampled: [] }), nowS);
      this.engineIdle = true;
      return;
    }
    this.inFlightResult = this.backend.executeSync(plan);
    this.inFlightStartS = nowS;
    this.stepInFlight = true;
    this.queue.push(nowS + this.input.costModel.stepLatencyS(stepShapeOf(plan)), STEP_END, -1);
  }

  private endStep(): void {
    this.stepInFlight = false;
    const report = this.core.finishStep(this.inFlightResult);
    this.inFlightResult = { sampled: [] };
    this.record(report, this.inFlightStartS);
  }

  private record(report: StepReport, startS: number): void {
    const nowS = this.clock.nowS();
    this.numSteps++;
    const stats = this.core.stats();
    this.metrics.stepEnded(report, startS, nowS, stats);
    for (const ended of report.ended) this.backend.forget(ended.requestId);
    if (this.input.onTrace !== undefined && report.trace !== undefined) this.input.onTrace(report.trace);
    if (this.input.workload.closedLoopConcurrency !== undefined) for (let i = 0; i < report.ended.length; i++) this.scheduleNextArrival(nowS);
  }
}
