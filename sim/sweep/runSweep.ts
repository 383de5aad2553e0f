import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EngineError, type EngineErrorKind } from '../../src/core/contracts/errors.js';
import type { SimulationReport } from '../report/simulationReport.js';
import { simulateScenario } from '../run/simulateScenario.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import type { SweepPoint } from './sweepPoints.js';
import type { SweepAnswer, SweepTask } from './sweepTask.js';

export interface SweepResult {
  readonly point: SweepPoint;
  readonly report: SimulationReport;
}

export interface SweepOptions {
  /** Worker threads to use; 0 runs every point on this thread, one after the other. Default: one per core. */
  readonly workers?: number;
  /** Called after each point with the number done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs every point of a sweep; results come back in the points' order whatever order workers finish in. */
export async function runSweep(scenario: Scenario, baseDir: string, points: readonly SweepPoint[], options: SweepOptions = {}): Promise<SweepResult[]> {
  const numWorkers = Math.min(options.workers ?? availableParallelism(), points.length);
  if (numWorkers <= 0) return runSerially(scenario, baseDir, points, options.onProgress);
  const reports = await runOnWorkers(points.map((point, index) => ({ index, scenario, baseDir, overrides: point.overrides })), numWorkers, options.onProgress);
  return points.map((point, index) => ({ point, report: reports[index]! }));
}

/**
 * Runs independent simulations, each of its own scenario (files relative to its `baseDir`), on the same
 * worker pool; reports come back in the tasks' order.
 */
export async function runScenarios(tasks: readonly { readonly scenario: Scenario; readonly baseDir: string }[], options: SweepOptions = {}): Promise<SimulationReport[]> {
  const numWorkers = Math.min(options.workers ?? availableParallelism(), tasks.length);
  if (numWorkers <= 0) {
    return tasks.map((task, index) => {
      const report = simulateScenario(task.scenario, task.baseDir);
      options.onProgress?.(index + 1, tasks.length);
      return report;
    });
  }
  return runOnWorkers(tasks.map((task, index) => ({ index, scenario: task.scenario, baseDir: task.baseDir, overrides: {} })), numWorkers, options.onProgress);
}

function runSerially(scenario: Scenario, baseDir: string, points: readonly SweepPoint[], onProgress?: (done: number, total: number) => void): SweepResult[] {
  return points.map((point, index) => {
    const report = simulateScenario(scenario, baseDir, { overrides: point.overrides });
    onProgress?.(index + 1, points.length);
    return { point, report };
  });
}

/** A small pool: each worker takes the next task when it answers; the first error stops the sweep. */
function runOnWorkers(tasks: readonly SweepTask[], numWorkers: number, onProgress?: (done: number, total: number) => void): Promise<SimulationReport[]> {
  return new Promise((resolvePromise, rejectPromise) => {
    const reports: SimulationReport[] = new Array<SimulationReport>(tasks.length);
    const workers: Worker[] = [];
    let nextTask = 0;
    let done = 0;
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      for (const worker of workers) void worker.terminate();
      if (error !== undefined) rejectPromise(error);
      else resolvePromise(reports);
    };
    const feed = (worker: Worker): void => {
      if (nextTask < tasks.length) worker.postMessage(tasks[nextTask++]);
    };
    for (let slot = 0; slot < numWorkers; slot++) {
      const worker = new Worker(new URL('./sweepWorkerBoot.js', import.meta.url));
      workers.push(worker);
      worker.on('message', (answer: SweepAnswer) => {
        if ('error' in answer) {
          const kind = answer.error.kind as EngineErrorKind | undefined;
          finish(kind !== undefined ? new EngineError(kind, answer.error.message) : new Error(`sweep point ${answer.index} failed: ${answer.error.message}`));
          return;
        }
        reports[answer.index] = answer.report;
        done++;
        onProgress?.(done, tasks.length);
        if (done === tasks.length) finish();
        else feed(worker);
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (!settled && code !== 0) finish(new Error(`a sweep worker exited with code ${code}`));
      });
      feed(worker);
    }
  });
}
