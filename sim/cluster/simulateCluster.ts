import type { Logger } from '../../src/core/contracts/logger.js';
import { buildReport } from '../report/buildReport.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import { scenarioWorkload } from '../scenario/scenarioWorkload.js';
import type { ClusterReport, ReplicaSummary } from './clusterReport.js';
import { resolveFleet } from './fleet.js';
import { runClusterSimulation } from './runClusterSimulation.js';

/** Describes a router for reports: `least_requests`, `endpoint_picker(queue-scorer×2, …)`. */
function routerLabel(scenario: Scenario): string {
  const router = scenario.router;
  if (router === undefined) return 'round_robin';
  if (router.policy !== 'endpoint_picker') return router.policy;
  const scorers = router.scorers?.map((scorer) => `${scorer.type}×${scorer.weight}`).join(', ') ?? 'default scorers';
  return `endpoint_picker(${scorers}; scrape ${router.scrape_interval_s * 1000} ms)`;
}

/** One timed simulation of a scenario's fleet behind its router (files read relative to `baseDir`). */
export function simulateCluster(scenario: Scenario, baseDir: string, logger: Logger): ClusterReport {
  const fleet = resolveFleet(scenario, baseDir, logger);
  const workload = scenarioWorkload(scenario, baseDir);
  const outcome = runClusterSimulation({ fleet, router: scenario.router, workload });
  const costModels = [...new Set(fleet.map((replica) => replica.costModel.name))].join(' + ');
  const report = buildReport(outcome.fleet, fleet[0]!.config, costModels);
  const requestsOf = new Int32Array(fleet.length);
  for (const replica of outcome.owner) if (replica >= 0) requestsOf[replica]!++;
  const replicas: ReplicaSummary[] = fleet.map((replica, index) => {
    const own = buildReport(outcome.replicas[index]!, replica.config, replica.costModel.name);
    return {
      name: replica.name,
      max_num_batched_tokens: replica.config.maxNumBatchedTokens,
      max_num_seqs: replica.config.maxNumSeqs,
      tensor_parallel_size: replica.config.tensorParallelSize,
      cost_model: replica.costModel.name,
      requests: requestsOf[index]!,
      completed: own.requests.completed,
      ttft_p99_s: own.ttft_s.p99,
      busy_fraction: own.steps.busy_fraction,
      prefix_hit_rate: own.prefix_cache.hit_rate,
    };
  });
  const cards = fleet.reduce((total, replica) => total + replica.config.tensorParallelSize, 0);
  return { ...report, cluster: { router: routerLabel(scenario), cards, replicas } };
}
