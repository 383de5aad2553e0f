import type { SimulationReport } from '../report/simulationReport.js';
import type { SettingOverrides } from '../run/simulateScenario.js';
import type { Scenario } from '../scenario/scenarioSchema.js';

/** What the main thread sends a sweep worker: plain, structured-clonable data. */
export interface SweepTask {
  readonly index: number;
  readonly scenario: Scenario;
  readonly baseDir: string;
  readonly overrides: SettingOverrides;
}

/** What a worker answers for one task. */
export type SweepAnswer =
  | { readonly index: number; readonly report: SimulationReport }
  | { readonly index: number; readonly error: { readonly kind: string | undefined; readonly message: string } };
