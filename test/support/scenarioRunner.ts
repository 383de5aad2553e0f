import type { StepTraceLine } from '../../src/core/contracts/trace.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import { replayScenario } from '../../sim/replay/replayScenario.js';
import { stepNotation } from './stepNotation.js';

export interface ScenarioRun {
  readonly steps: readonly string[];
  readonly trace: readonly StepTraceLine[];
}

/** Replays a scenario object through the real core and renders each step in the compact notation. */
export function runScenario(scenario: unknown): ScenarioRun {
  const { trace } = replayScenario(parseScenario(scenario, 'test scenario'));
  return { steps: trace.map(stepNotation), trace };
}

/** Expected steps `from..to` produced by `line(step)`: for long runs of near-identical decode steps. */
export function stepsFrom(from: number, to: number, line: (step: number) => string): string[] {
  return Array.from({ length: to - from + 1 }, (_, offset) => line(from + offset));
}
