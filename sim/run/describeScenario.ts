import { basename } from 'node:path';
import type { Scenario } from '../scenario/scenarioSchema.js';

/** One line naming a scenario's workload, for report headers. */
export function describeScenario(path: string, scenario: Scenario): string {
  const workload = scenario.workload;
  let what: string;
  if (workload === undefined) what = `${scenario.requests?.length ?? 0} listed requests`;
  else if ('trace' in workload) what = `trace ${workload.trace}`;
  else {
    const arrival = workload.arrival;
    const how =
      arrival.process === 'closed' ? `closed loop, concurrency ${arrival.concurrency}` : arrival.process === 'gamma' ? `gamma arrivals at ${arrival.rate}/s, burstiness ${arrival.burstiness}` : `Poisson arrivals at ${arrival.rate}/s`;
    what = `${workload.num_requests} requests, ${how}, seed ${workload.seed}`;
  }
  return `${basename(path)} · ${what}`;
}
