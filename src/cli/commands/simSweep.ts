import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { renderReportHtml } from '../../../sim/report/html/renderReportHtml.js';
import { formatSweepTable } from '../../../sim/report/formatSummary.js';
import { costModelFromFlag } from '../../../sim/cost/costModelFlag.js';
import { describeScenario } from '../../../sim/run/describeScenario.js';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import { sweepPoints } from '../../../sim/sweep/sweepPoints.js';
import { runCliAction } from '../runCliAction.js';
import { sweepAxesFrom, workerCountFrom, type SweepFlags } from './simSweepOptions.js';
import { runSweepWithProgress } from './simSweepRunner.js';

/** `spyre sim sweep SCENARIO --chunk-sizes … [--max-num-seqs …] [--interleave on,off] --out DIR`. */
export function registerSimSweep(sim: Command): void {
  sim
    .command('sweep')
    .description('simulate a scenario at every combination of the given settings, in parallel on worker threads; write sweep.json and report.html')
    .argument('<scenario>', 'scenario JSON file (SPEC §8)')
    .requiredOption('--chunk-sizes <list>', 'max_num_batched_tokens values, e.g. 256,512,1024')
    .option('--max-num-seqs <list>', 'max_num_seqs values, e.g. 2,4,8')
    .option('--interleave <list>', 'VLLM_SPYRE_CP_INTERLEAVE_STEPS values: on,off')
    .option('--cost-model <profile|file>', "replace the scenario's cost_model: a profile name, a device profile (spyre-card or device:FILE), or a calibrate output (FILE or FILE:table)")
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs on the main thread)')
    .requiredOption('--out <dir>', 'output directory')
    .action((scenarioPath: string, options: SweepFlags & { out: string; costModel?: string }) =>
      runCliAction(async () => {
        const loaded = loadScenarioFile(scenarioPath);
        const scenario = options.costModel === undefined ? loaded : { ...loaded, cost_model: costModelFromFlag(options.costModel) };
        const points = sweepPoints(sweepAxesFrom(options));
        const results = await runSweepWithProgress(scenario, dirname(scenarioPath), points, workerCountFrom(options));
        mkdirSync(options.out, { recursive: true });
        const rows = results.map((result) => ({ label: result.point.label, group: result.point.group, overrides: result.point.overrides, report: result.report }));
        writeFileSync(join(options.out, 'sweep.json'), JSON.stringify(rows, null, 2) + '\n');
        const html = renderReportHtml({
          title: 'spyre sim sweep',
          subtitle: `${describeScenario(scenarioPath, scenario)} · cost model ${results[0]?.report.cost_model ?? ''}`,
          runs: rows.map((row) => ({ label: row.label, group: row.group, report: row.report })),
        });
        writeFileSync(join(options.out, 'report.html'), html);
        process.stdout.write(formatSweepTable(rows) + '\n');
        process.stderr.write(`wrote sweep.json and report.html to ${options.out}\n`);
      }),
    );
}
