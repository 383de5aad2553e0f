import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { EngineError } from '../../core/contracts/errors.js';
import { renderReportHtml } from '../../../sim/report/html/renderReportHtml.js';
import { formatSweepTable } from '../../../sim/report/formatSummary.js';
import { costModelFromFlag } from '../../../sim/cost/costModelFlag.js';
import { costModelNameOverCards } from '../../../sim/cost/rooflineCostModel.js';
import { describeScenario } from '../../../sim/run/describeScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import { parseNumberList, sweepPoints } from '../../../sim/sweep/sweepPoints.js';
import { recommend, type LatencyTargets } from '../../../sim/tune/recommend.js';
import { recommendByCards, splitFeasible } from '../../../sim/tune/tuneCards.js';
import { SILENT_LOGGER } from '../../core/contracts/logger.js';
import { acceptVllmShortFlags } from '../engineFlagOptions.js';
import { runCliAction } from '../runCliAction.js';
import { sweepAxesFrom, workerCountFrom, type SweepFlags } from './simSweepOptions.js';
import { runSweepWithProgress } from './simSweepRunner.js';

const DEFAULT_CHUNK_SIZES = [128, 256, 512, 1024, 2048];

function targetMs(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new EngineError('invalid_config', `${flag} takes a positive number of milliseconds; got '${text}'.`);
  return value;
}

/** `spyre sim tune SCENARIO --itl-p99 MS --ttft-p99 MS`: sweep, then recommend the best setting within the targets. */
export function registerSimTune(sim: Command): void {
  const tune = sim
    .command('tune')
    .description('sweep settings and recommend the one with the best output throughput that meets the ITL/TTFT p99 targets')
    .argument('<scenario>', 'scenario JSON file (SPEC §8)')
    .option('--itl-p99 <ms>', 'target p99 inter-token latency, milliseconds')
    .option('--ttft-p99 <ms>', 'target p99 time to first token, milliseconds')
    .option('--chunk-sizes <list>', `max_num_batched_tokens candidates (default ${DEFAULT_CHUNK_SIZES.join(',')}, up to max_model_len)`)
    .option('--max-num-seqs <list>', 'max_num_seqs candidates (default: the scenario\'s)')
    .option('--interleave <list>', 'interleave candidates: on,off (default: the scenario\'s)')
    .option('--tp <list>', 'tensor_parallel_size candidates, e.g. 1,2,4: per card count the best setting, overall the fewest cards that meet the targets')
    .option('--tensor-parallel-size <list>', 'the same as --tp (-tp)')
    .option('--cost-model <profile|file>', "replace the scenario's cost_model: a profile name, a device profile (spyre-card or device:FILE), or a calibrate output (FILE or FILE:table)")
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs on the main thread)')
    .option('--out <dir>', 'also write sweep.json and report.html here')
    .action((scenarioPath: string, options: SweepFlags & { itlP99?: string; ttftP99?: string; out?: string; costModel?: string; tp?: string; tensorParallelSize?: string }) =>
      runCliAction(async () => {
        const targets: LatencyTargets = {
          ...(options.itlP99 !== undefined ? { itlP99Ms: targetMs(options.itlP99, '--itl-p99') } : {}),
          ...(options.ttftP99 !== undefined ? { ttftP99Ms: targetMs(options.ttftP99, '--ttft-p99') } : {}),
        };
        if (targets.itlP99Ms === undefined && targets.ttftP99Ms === undefined) throw new EngineError('invalid_config', 'spyre sim tune needs --itl-p99 and/or --ttft-p99.');
        const loaded = loadScenarioFile(scenarioPath);
        const scenario = options.costModel === undefined ? loaded : { ...loaded, cost_model: costModelFromFlag(options.costModel) };
        const maxModelLen = scenarioEngineConfig(scenario.config, SILENT_LOGGER).maxModelLen;
        const tpText = options.tp ?? options.tensorParallelSize;
        const tensorParallelSizes = tpText === undefined ? undefined : tpList(tpText);
        const allPoints = sweepPoints({ ...sweepAxesFrom(options, DEFAULT_CHUNK_SIZES.filter((size) => size <= maxModelLen)), ...(tensorParallelSizes !== undefined ? { tensorParallelSizes } : {}) });
        const { feasible, infeasible } = tensorParallelSizes === undefined ? { feasible: allPoints, infeasible: [] } : splitFeasible(scenario, dirname(scenarioPath), allPoints);
        const results = feasible.length === 0 ? [] : await runSweepWithProgress(scenario, dirname(scenarioPath), feasible, workerCountFrom(options));
        const candidates = results.map((result) => ({ label: result.point.label, group: result.point.group, report: result.report }));
        const byCards = tensorParallelSizes === undefined ? undefined : recommendByCards(candidates, targets, tensorParallelSizes, infeasible);
        const recommendation = byCards ?? recommend(candidates, targets);
        const notes = byCards === undefined ? [] : byCards.perTensorParallelSize.map((choice) => choice.message);
        process.stdout.write(
          (candidates.length === 0 ? '' : formatSweepTable(candidates.map((candidate, index) => ({ ...candidate, mark: index === recommendation.index ? '*' : recommendation.verdicts[index]!.meetsTargets ? ' ' : 'x' }))) +
            '\n(* recommended, x misses the targets)\n') +
            notes.map((note) => `${note}\n`).join('') +
            recommendation.message +
            '\n',
        );
        if (options.out !== undefined) {
          mkdirSync(options.out, { recursive: true });
          const infeasibleOut = infeasible.map((entry) => ({ label: entry.point.label, reason: entry.reason }));
          writeFileSync(join(options.out, 'sweep.json'), JSON.stringify({ targets, recommendation, candidates, ...(tensorParallelSizes !== undefined ? { infeasible: infeasibleOut } : {}) }, null, 2) + '\n');
          const html = renderReportHtml({
            title: 'spyre sim tune',
            subtitle: `${describeScenario(scenarioPath, scenario)} · cost model ${costModelNameOverCards(results[0]?.report.cost_model ?? '', tensorParallelSizes)}`,
            runs: candidates.map((candidate, index) => ({ ...candidate, meetsTargets: recommendation.verdicts[index]!.meetsTargets })),
            ...(recommendation.index !== undefined ? { recommended: recommendation.index } : {}),
            targets: { ...(targets.itlP99Ms !== undefined ? { itl_p99_ms: targets.itlP99Ms } : {}), ...(targets.ttftP99Ms !== undefined ? { ttft_p99_ms: targets.ttftP99Ms } : {}) },
            verdict: recommendation.message,
            ...(notes.length > 0 ? { notes } : {}),
          });
          writeFileSync(join(options.out, 'report.html'), html);
          process.stderr.write(`wrote sweep.json and report.html to ${options.out}\n`);
        }
        if (recommendation.index === undefined) process.exitCode = 1;
      }),
    );
  acceptVllmShortFlags(tune);
}

function tpList(text: string): number[] {
  try {
    return parseNumberList(text, '--tp');
  } catch (error) {
    throw new EngineError('invalid_config', (error as Error).message);
  }
}
