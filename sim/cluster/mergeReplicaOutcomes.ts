import type { EngineCoreStats } from '../../src/core/engine/engineCore.js';
import type { SimulationOutcome } from '../kernel/runSimulation.js';
import type { RequestMetrics } from '../report/requestMetrics.js';
import type { SimReplica } from './simReplica.js';

/** A cluster run: the fleet's outcome (as one engine's, for the report), each replica's, and who got what. */
export interface ClusterOutcome {
  readonly fleet: SimulationOutcome;
  readonly replicas: readonly SimulationOutcome[];
  /** Replica index of each request, by its place in the workload. */
  readonly owner: Int32Array;
}

/**
 * The fleet's metrics from its replicas': their histograms and counts summed (each request ran on one
 * replica), busy time averaged over the replicas (so busy_fraction stays 0..1), prefix-cache counts summed;
 * kept per-request timings from the replica each request ran on. `merged` already holds the fleet's timeline.
 */
export function mergeReplicaOutcomes(replicas: readonly SimReplica[], owner: Int32Array, merged: RequestMetrics, endTimeS: number): ClusterOutcome {
  const timings = merged.perRequest;
  if (timings !== undefined) {
    for (let index = 0; index < owner.length; index++) {
      const replica = owner[index]!;
      if (replica >= 0) timings.copyFrom(replicas[replica]!.metrics.perRequest!, index);
    }
  }
  let busyS = 0;
  for (const replica of replicas) {
    const metrics = replica.metrics;
    merged.absorb(metrics);
    busyS += metrics.busyS;
    metrics.occupancy.close();
  }
  merged.busyS = busyS / replicas.length;
  merged.occupancy.close();
  const outcomes = replicas.map((replica) => ({ metrics: replica.metrics, stats: replica.core.stats(), numSteps: replica.numSteps, endTimeS }));
  const stats: EngineCoreStats = {
    numWaiting: sum(outcomes, (outcome) => outcome.stats.numWaiting),
    numRunning: sum(outcomes, (outcome) => outcome.stats.numRunning),
    kvCacheUsage: sum(outcomes, (outcome) => outcome.stats.kvCacheUsage) / outcomes.length,
    prefixCacheQueriedTokens: sum(outcomes, (outcome) => outcome.stats.prefixCacheQueriedTokens),
    prefixCacheHitTokens: sum(outcomes, (outcome) => outcome.stats.prefixCacheHitTokens),
    numPreemptions: sum(outcomes, (outcome) => outcome.stats.numPreemptions),
  };
  return { fleet: { metrics: merged, stats, numSteps: sum(outcomes, (outcome) => outcome.numSteps), endTimeS }, replicas: outcomes, owner };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}
