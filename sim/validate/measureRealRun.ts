import type { Clock } from '../../src/core/contracts/clock.js';
import type { EngineConfig } from '../../src/core/contracts/config.js';
import type { LlmEngine } from '../../src/core/engine/llmEngine.js';
import type { ProfileSample } from '../calibrate/profileExecutor.js';
import { stepShapeOf } from '../cost/stepShape.js';
import { buildReport } from '../report/buildReport.js';
import { RequestMetrics } from '../report/requestMetrics.js';
import type { SimulationReport } from '../report/simulationReport.js';
import { PromptBuilder } from '../workload/promptTokens.js';
import { requestList, type SimWorkload } from '../workload/simRequest.js';

/**
 * Runs a workload against a real engine on the wall clock and measures it exactly as the simulator does:
 * arrival at its scheduled time (open loop) or when a client submits it (closed loop), a token's time is
 * the end of the step that produced it (read from
 * the engine's step listener), so the two reports compare like for like. Open loop: requests are submitted
 * at their arrival times; closed loop: a new one as soon as one ends. Lengths are exact (ignore_eos).
 */
export interface RealRun {
  readonly report: SimulationReport;
  /**
   * Every executed step's shape and wall time (end of the previous step to its own end: the engine loop
   * runs steps back to back and reports idle ones too, so this is the step plus a yield to the event loop).
   */
  readonly steps: readonly ProfileSample[];
}

/** `onRequestFinished` is called as each request's stream ends (for progress). */
export async function measureRealRun(engine: LlmEngine, config: EngineConfig, workload: SimWorkload, clock: Clock, onRequestFinished?: () => void): Promise<RealRun> {
  const requests = requestList(workload.requests);
  const metrics = new RequestMetrics(requests.length);
  const prompts = new PromptBuilder(workload);
  const originS = clock.nowS();
  const now = (): number => clock.nowS() - originS;
  let lastStepEndS = 0;
  let numSteps = 0;
  const steps: ProfileSample[] = [];
  engine.onStep((report) => {
    const endS = now();
    if (report.plan !== undefined) steps.push({ shape: stepShapeOf(report.plan), seconds: endS - lastStepEndS, runsS: [endS - lastStepEndS] });
    // The engine reports when a step ends, not when it began: the previous end stands in for the start
    // (only prefill-interrupt and busy-time figures use it; TTFT, ITL and throughput do not).
    metrics.stepEnded(report, lastStepEndS, endS, engine.core.stats());
    lastStepEndS = endS;
    numSteps++;
  });
  /**
   * `arrivalS`: when the request arrived. Open loop, that is its scheduled time, not when the timer's
   * callback ran: `session.run` holds the event loop for a whole step, so the callback of a request that
   * arrives mid-step runs only when the step ends — the request waited for that step, as the simulator
   * counts it, and a client would have seen that wait.
   */
  const submit = async (index: number, arrivalS = now()): Promise<void> => {
    const spec = requests[index]!;
    const promptTokenIds = prompts.promptTokensOf(spec);
    // An empty engine starts its loop at once: the next step's time counts from here, not from the last step.
    if (engine.numUnfinishedRequests === 0) lastStepEndS = now();
    metrics.arrived(index, spec.id, Math.min(arrivalS, now()), promptTokenIds.length);
    const stream = engine.generate({ promptTokenIds }, { ...(spec.maxTokens > 0 ? { maxTokens: spec.maxTokens } : {}), ignoreEos: true, temperature: 0 }, { requestId: spec.id });
    for await (const output of stream) void output;
    onRequestFinished?.();
  };
  const concurrency = workload.closedLoopConcurrency;
  if (concurrency !== undefined) {
    let next = 0;
    const client = async (): Promise<void> => {
      while (next < requests.length) await submit(next++);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, client));
  } else {
    await Promise.all(
      requests.map(
        (spec, index) =>
          new Promise<void>((resolvePromise, rejectPromise) => {
            setTimeout(() => submit(index, spec.arrivalTimeS).then(resolvePromise, rejectPromise), Math.max(0, (spec.arrivalTimeS - now()) * 1000));
          }),
      ),
    );
  }
  metrics.occupancy.close();
  return { report: buildReport({ metrics, stats: engine.core.stats(), numSteps, endTimeS: now() }, config, 'measured on the wall clock'), steps };
}
