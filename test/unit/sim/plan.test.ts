import { describe, expect, it } from 'vitest';
import { buildPlanReport, mergePlanShards, scenarioDigest, type PlanSettingsRecord, type PlanShardFile } from '../../../sim/cluster/plan/planDocument.js';
import { PLAN_FORMAT } from '../../../sim/cluster/plan/planResult.js';
import { assertPlannable, fleetScenario } from '../../../sim/cluster/plan/planScenario.js';
import { parseShard, planCandidates, shardCandidates, WHOLE } from '../../../sim/cluster/plan/planSpace.js';
import { renderPlanSvg } from '../../../sim/cluster/plan/renderPlanSvg.js';
import { CURVE_FRACTIONS, searchPlan } from '../../../sim/cluster/plan/searchPlan.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { runScenarios } from '../../../sim/sweep/runSweep.js';
import { PLAN_TEST_SCENARIO } from '../../support/planScenario.js';

const scenario = parseScenario(PLAN_TEST_SCENARIO, 'plan-test');
const axes = { cardsPerReplica: [1, 2], chunkSizes: [128, 512], maxNumSeqs: [4] };
const candidates = planCandidates(axes);
const settings: PlanSettingsRecord = {
  scenario: 'plan-test',
  scenario_sha256: scenarioDigest(scenario),
  qps: 6,
  ttft_p99_ms: 400,
  itl_p99_ms: 120,
  max_replicas: 4,
  cards_per_replica: axes.cardsPerReplica,
  chunk_sizes: axes.chunkSizes,
  max_num_seqs: axes.maxNumSeqs,
  router: 'least_requests',
  num_candidates: candidates.length,
};
const search = { qps: 6, targets: { ttftP99Ms: 400, itlP99Ms: 120 }, maxReplicas: 4 };
const inline = { workers: 0 };

describe('having a capacity plan', () => {
  it('should choose for each configuration the fewest replicas that meet the targets, and rank the cheapest fleet in cards first', async () => {
    const plan = buildPlanReport(settings, await searchPlan(scenario, '.', candidates, search, runScenarios, inline));
    for (const result of plan.results) {
      if (result.replicas === null) {
        expect(result.probes.some((probe) => probe.replicas === 4 && !probe.meets_targets)).toBe(true);
        continue;
      }
      expect(result.probes.find((probe) => probe.replicas === result.replicas)!.meets_targets).toBe(true);
      if (result.replicas > 1) expect(result.probes.find((probe) => probe.replicas === result.replicas! - 1)?.meets_targets).toBe(false);
      expect(result.cards).toBe(result.replicas * result.candidate.tensorParallelSize);
      expect(result.curve.map((probe) => probe.qps)).toEqual(CURVE_FRACTIONS.map((fraction) => 6 * fraction));
    }
    expect(plan.cheapest).not.toBeNull();
    const cheapest = plan.results[plan.cheapest!]!;
    for (const result of plan.results) if (result.cards !== null) expect(result.cards).toBeGreaterThanOrEqual(cheapest.cards!);
    expect(plan.verdict).toContain(`${cheapest.replicas} × ${cheapest.candidate.label}`);
  });

  it('should give, sharded in three and merged, exactly the unsharded plan and plot', async () => {
    const whole = buildPlanReport(settings, await searchPlan(scenario, '.', shardCandidates(candidates, WHOLE), search, runScenarios, inline));
    const shards: { file: PlanShardFile; source: string }[] = [];
    for (const index of [3, 1, 2]) {
      const shard = { index, count: 3 };
      const results = await searchPlan(scenario, '.', shardCandidates(candidates, shard), search, runScenarios, inline);
      shards.push({ file: JSON.parse(JSON.stringify({ format: PLAN_FORMAT, kind: 'shard', settings, shard, results })) as PlanShardFile, source: `shard-${index}.json` });
    }
    const merged = mergePlanShards(shards);
    expect(JSON.stringify(merged)).toBe(JSON.stringify(whole));
    expect(renderPlanSvg(merged, 'x')).toBe(renderPlanSvg(whole, 'x'));
  });

  it('should refuse to merge shards that are missing, repeated or of another plan, naming them', () => {
    const file = (index: number, count: number, qps = 6): { file: PlanShardFile; source: string } => ({
      file: { format: PLAN_FORMAT, kind: 'shard', settings: { ...settings, qps }, shard: { index, count }, results: [] },
      source: `s${index}.json`,
    });
    expect(() => mergePlanShards([file(1, 2)])).toThrow('shard 2/2 missing');
    expect(() => mergePlanShards([file(1, 2), file(1, 2)])).toThrow('shard 1/2 is given twice: s1.json and s1.json');
    expect(() => mergePlanShards([file(1, 2), file(2, 2, 7)])).toThrow('s2.json belongs to another plan than s1.json');
    expect(() => mergePlanShards([file(1, 2), file(2, 3)])).toThrow('s2.json is shard 2/3, but s1.json is one of 2');
  });

  it('should split the configurations into disjoint shards that cover them all', () => {
    const many = planCandidates({ cardsPerReplica: [1, 2, 4], chunkSizes: [256, 512, 1024], maxNumSeqs: [2, 4] });
    const parts = [1, 2, 3, 4, 5].map((index) => shardCandidates(many, { index, count: 5 }).map((candidate) => candidate.index));
    expect(parts.flat().sort((a, b) => a - b)).toEqual(many.map((candidate) => candidate.index));
    expect(() => parseShard('0/3')).toThrow('--shard takes i/n');
    expect(() => parseShard('2')).toThrow('--shard takes i/n');
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });

  it('should build each simulated fleet from the candidate, the count and the load, and refuse workloads without an arrival rate', () => {
    const fleet = fleetScenario(scenario, candidates[3]!, 3, 9);
    expect(fleet.config).toMatchObject({ tensor_parallel_size: 2, max_num_batched_tokens: 512, max_num_seqs: 4 });
    expect(fleet.replicas).toBe(3);
    expect(fleet.router?.policy).toBe('least_requests');
    expect(fleet.workload).toMatchObject({ arrival: { process: 'poisson', rate: 9 } });
    const closed = parseScenario({ ...scenario, workload: { ...scenario.workload, arrival: { process: 'closed', concurrency: 4 } } }, 'closed');
    expect(() => assertPlannable(closed, 'closed.json')).toThrow('closed.json: spyre sim plan sets the arrival rate (--qps)');
    const groups = parseScenario({ ...scenario, replicas: [{ count: 2 }] }, 'groups');
    expect(() => assertPlannable(groups, 'groups.json')).toThrow('give replicas as a number or leave it out');
  });
});
