import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { EngineError } from '../../src/core/contracts/errors.js';
import { simulateScenario } from '../run/simulateScenario.js';
import type { SweepAnswer, SweepTask } from './sweepTask.js';

/** A sweep worker: runs one simulation per message and answers with its report (or the error). */
parentPort?.on('message', (task: SweepTask) => {
  let answer: SweepAnswer;
  try {
    answer = { index: task.index, report: simulateScenario(task.scenario, task.baseDir, { overrides: task.overrides }) };
  } catch (error) {
    const kind = error instanceof EngineError ? error.kind : undefined;
    const message = error instanceof EngineError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    answer = { index: task.index, error: { kind, message } };
  }
  parentPort?.postMessage(answer);
});
