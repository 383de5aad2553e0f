import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { EngineError } from '../../core/contracts/errors.js';
import { SILENT_LOGGER } from '../../core/contracts/logger.js';
import { formatPlanTable } from '../../../sim/cluster/plan/formatPlan.js';
import { buildPlanReport, mergePlanShards, parsePlanShard, scenarioDigest, type PlanReport, type PlanSettingsRecord, type PlanShardFile } from '../../../sim/cluster/plan/planDocument.js';
import { PLAN_FORMAT } from '../../../sim/cluster/plan/planResult.js';
import { assertPlannable } from '../../../sim/cluster/plan/planScenario.js';
import { parseShard, planCandidates, shardCandidates, WHOLE, type PlanAxes } from '../../../sim/cluster/plan/planSpace.js';
import { renderPlanHtml } from '../../../sim/cluster/plan/renderPlanHtml.js';
import { renderPlanSvg } from '../../../sim/cluster/plan/renderPlanSvg.js';
import { searchPlan } from '../../../sim/cluster/plan/searchPlan.js';
import { costModelFromFlag } from '../../../sim/cost/costModelFlag.js';
import { DEFAULT_COST_MODEL_SPEC } from '../../../sim/cost/costModelSpec.js';
import { resolveCostModel } from '../../../sim/cost/resolveCostModel.js';
import { costModelNameOverCards } from '../../../sim/cost/rooflineCostModel.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import type { Scenario } from '../../../sim/scenario/scenarioSchema.js';
import { runScenarios } from '../../../sim/sweep/runSweep.js';
import { parseNumberList } from '../../../sim/sweep/sweepPoints.js';
import { runCliAction } from '../runCliAction.js';
import { workerCountFrom } from './simSweepOptions.js';

const DEFAULT_CHUNK_SIZES = [256, 512, 1024, 2048];
const DEFAULT_MAX_REPLICAS = 16;

interface PlanFlags {
  readonly qps: string;
  readonly ttftP99?: string;
  readonly itlP99?: string;
  readonly cardsPerReplica?: string;
  readonly chunkSizes?: string;
  readonly maxNumSeqs?: string;
  readonly maxReplicas?: string;
  readonly shard?: string;
  readonly out?: string;
  readonly workers?: string;
  readonly costModel?: string;
}

function positive(text: string | undefined, flag: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new EngineError('invalid_config', `${flag} takes a positive ${integer ? 'integer' : 'number'}; got '${text}'.`);
  }
  return value;
}

function list(text: string | undefined, flag: string, fallback: readonly number[]): readonly number[] {
  if (text === undefined) return fallback;
  try {
    return parseNumberList(text, flag);
  } catch (error) {
    throw new EngineError('invalid_config', (error as Error).message);
  }
}

function planSettings(scenarioPath: string, scenario: Scenario, flags: PlanFlags, axes: PlanAxes, numCandidates: number): PlanSettingsRecord {
  const workload = scenario.workload!;
  const requests = 'num_requests' in workload ? `${workload.num_requests} requests, seed ${workload.seed}` : 'trace';
  const costModel = costModelNameOverCards(resolveCostModel(scenario.cost_model ?? DEFAULT_COST_MODEL_SPEC, dirname(scenarioPath), scenarioEngineConfig(scenario.config, SILENT_LOGGER)).name, axes.cardsPerReplica);
  const router = scenario.router?.policy ?? 'least_requests';
  const ttft = positive(flags.ttftP99, '--ttft-p99', false);
  const itl = positive(flags.itlP99, '--itl-p99', false);
  if (ttft === undefined && itl === undefined) throw new EngineError('invalid_config', 'spyre sim plan needs --ttft-p99 and/or --itl-p99 (milliseconds).');
  return {
    scenario: `${basename(scenarioPath)} · ${requests} · cost model ${costModel}`,
    scenario_sha256: scenarioDigest(scenario),
    qps: positive(flags.qps, '--qps', false)!,
    ttft_p99_ms: ttft ?? null,
    itl_p99_ms: itl ?? null,
    max_replicas: positive(flags.maxReplicas, '--max-replicas', true) ?? DEFAULT_MAX_REPLICAS,
    cards_per_replica: axes.cardsPerReplica,
    chunk_sizes: axes.chunkSizes,
    max_num_seqs: axes.maxNumSeqs,
    router,
    num_candidates: numCandidates,
  };
}

function writePlan(plan: PlanReport, out: string | undefined): void {
  process.stdout.write(formatPlanTable(plan) + '\n' + plan.verdict + '\n');
  if (out !== undefined) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
    writeFileSync(join(out, 'plan.svg'), renderPlanSvg(plan, plan.settings.scenario));
    writeFileSync(join(out, 'plan.html'), renderPlanHtml(plan, plan.settings.scenario));
    process.stderr.write(`wrote plan.json, plan.svg and plan.html to ${out}\n`);
  }
  if (plan.cheapest === null) process.exitCode = 1;
}

/** `spyre sim plan SCENARIO --qps R --ttft-p99 MS --itl-p99 MS …` and `spyre sim merge SHARD… --out DIR`. */
export function registerSimPlan(sim: Command): void {
  sim
    .command('plan')
    .description('find the cheapest fleet (in cards) of replicas behind the router that meets the p99 targets at a load: searches replica count × TP × chunk size × max_num_seqs')
    .argument('<scenario>', 'scenario JSON file (SPEC §8) with a poisson or gamma workload; its router is kept (least_requests when it has none)')
    .requiredOption('--qps <rate>', 'the load to plan for, requests per second (replaces the workload\'s arrival rate)')
    .option('--ttft-p99 <ms>', 'target p99 time to first token, milliseconds')
    .option('--itl-p99 <ms>', 'target p99 inter-token latency, milliseconds')
    .option('--cards-per-replica <list>', "tensor_parallel_size candidates, e.g. 1,2,4 (default: the scenario's)")
    .option('--chunk-sizes <list>', `max_num_batched_tokens candidates (default ${DEFAULT_CHUNK_SIZES.join(',')}, up to max_model_len)`)
    .option('--max-num-seqs <list>', "max_num_seqs candidates (default: the scenario's)")
    .option('--max-replicas <n>', `largest fleet tried per configuration (default ${DEFAULT_MAX_REPLICAS})`)
    .option('--shard <i/n>', 'run only shard i of n of the configurations and write plan-shard-i-of-n.json to --out (join them with spyre sim merge)')
    .option('--cost-model <profile|file>', "replace the scenario's cost_model: a profile name, a device profile (spyre-card or device:FILE), or a calibrate output (FILE or FILE:table)")
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs on the main thread)')
    .option('--out <dir>', 'write plan.json, plan.svg and plan.html (or the shard file) here')
    .action((scenarioPath: string, flags: PlanFlags) =>
      runCliAction(async () => {
        const loaded = loadScenarioFile(scenarioPath);
        const scenario = flags.costModel === undefined ? loaded : { ...loaded, cost_model: costModelFromFlag(flags.costModel) };
        assertPlannable(scenario, scenarioPath);
        const config = scenarioEngineConfig(scenario.config, SILENT_LOGGER);
        const axes: PlanAxes = {
          cardsPerReplica: list(flags.cardsPerReplica, '--cards-per-replica', [config.tensorParallelSize]),
          chunkSizes: list(flags.chunkSizes, '--chunk-sizes', DEFAULT_CHUNK_SIZES.filter((size) => size <= config.maxModelLen)),
          maxNumSeqs: list(flags.maxNumSeqs, '--max-num-seqs', [config.maxNumSeqs]),
        };
        const candidates = planCandidates(axes);
        const settings = planSettings(scenarioPath, scenario, flags, axes, candidates.length);
        const shard = flags.shard === undefined ? WHOLE : parseShard(flags.shard);
        if (flags.shard !== undefined && flags.out === undefined) throw new EngineError('invalid_config', '--shard writes its part to a file: give --out DIR.');
        const mine = shardCandidates(candidates, shard);
        const bar = new SingleBar({ format: 'planning [{bar}] {value}/{total} simulations | round {round} | {duration}s', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
        let done = 0;
        let round = 0;
        let roundBase = 0;
        bar.start(0, 0, { round: 0 });
        let results;
        try {
          results = await searchPlan(scenario, dirname(scenarioPath), mine, { qps: settings.qps, targets: { ...(settings.ttft_p99_ms !== null ? { ttftP99Ms: settings.ttft_p99_ms } : {}), ...(settings.itl_p99_ms !== null ? { itlP99Ms: settings.itl_p99_ms } : {}) }, maxReplicas: settings.max_replicas }, runScenarios, {
            ...(flags.workers !== undefined ? { workers: workerCountFrom(flags) } : {}),
            onRound: (simulations) => {
              roundBase = done;
              bar.setTotal(done + simulations);
              bar.update(done, { round: ++round });
            },
            onProgress: (finished) => {
              done = roundBase + finished;
              bar.update(done, { round });
            },
          });
        } finally {
          bar.stop();
        }
        if (flags.shard === undefined) {
          writePlan(buildPlanReport(settings, results), flags.out);
          return;
        }
        const file: PlanShardFile = { format: PLAN_FORMAT, kind: 'shard', settings, shard, results };
        mkdirSync(flags.out!, { recursive: true });
        const path = join(flags.out!, `plan-shard-${shard.index}-of-${shard.count}.json`);
        writeFileSync(path, JSON.stringify(file, null, 2) + '\n');
        process.stdout.write(formatPlanTable({ results }) + '\n');
        process.stderr.write(`shard ${shard.index}/${shard.count}: ${results.length} of ${candidates.length} configurations; wrote ${path}\n`);
      }),
    );
  sim
    .command('merge')
    .description('join the shard files of one spyre sim plan into the plan an unsharded run writes')
    .argument('<shards...>', 'plan-shard-i-of-n.json files, every shard of one plan exactly once')
    .option('--out <dir>', 'write plan.json, plan.svg and plan.html here')
    .action((paths: string[], flags: { out?: string }) =>
      runCliAction(() => {
        const shards = paths.map((path) => {
          let json: unknown;
          try {
            json = JSON.parse(readFileSync(path, 'utf8'));
          } catch (error) {
            throw new EngineError('invalid_config', `Cannot read plan shard ${path}: ${(error as Error).message}`);
          }
          return { file: parsePlanShard(json, path), source: path };
        });
        writePlan(mergePlanShards(shards), flags.out);
      }),
    );
}
