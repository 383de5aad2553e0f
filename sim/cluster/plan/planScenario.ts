import { EngineError } from '../../../src/core/contracts/errors.js';
import type { Scenario } from '../../scenario/scenarioSchema.js';
import type { PlanCandidate } from './planSpace.js';

/**
 * Refuses a scenario `spyre sim plan` cannot vary: it sets the arrival rate, so the workload must be a
 * generated open-loop one (poisson or gamma), and it builds homogeneous fleets, so `replicas` must be a
 * count or absent.
 */
export function assertPlannable(scenario: Scenario, source: string): void {
  const workload = scenario.workload;
  if (workload === undefined || 'trace' in workload || workload.arrival.process === 'closed') {
    const has = workload === undefined ? 'listed requests' : 'trace' in workload ? 'a trace workload' : 'a closed-loop workload';
    throw new EngineError('invalid_scenario', `${source}: spyre sim plan sets the arrival rate (--qps), so it needs a generated workload with poisson or gamma arrivals; this scenario has ${has}.`);
  }
  if (scenario.replicas !== undefined && typeof scenario.replicas !== 'number') {
    throw new EngineError('invalid_scenario', `${source}: spyre sim plan builds fleets of identical replicas and chooses their count; give replicas as a number or leave it out (it has replica groups).`);
  }
}

/**
 * The scenario of one simulation of the search: `replicas` copies of the candidate's replica config at `qps`
 * requests/s, behind the scenario's router (least_requests, HAProxy's leastconn, when it names none).
 */
export function fleetScenario(scenario: Scenario, candidate: PlanCandidate, replicas: number, qps: number): Scenario {
  const workload = scenario.workload!;
  if ('trace' in workload || workload.arrival.process === 'closed') throw new EngineError('invalid_scenario', 'sim plan: the workload has no arrival rate to set.');
  return {
    ...scenario,
    config: {
      ...scenario.config,
      tensor_parallel_size: candidate.tensorParallelSize,
      max_num_batched_tokens: candidate.maxNumBatchedTokens,
      max_num_seqs: candidate.maxNumSeqs,
    },
    workload: { ...workload, arrival: { ...workload.arrival, rate: qps } },
    replicas,
    router: scenario.router ?? { policy: 'least_requests', scrape_interval_s: 0.05, seed: 0 },
  };
}
