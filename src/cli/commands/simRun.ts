import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { StepTraceLine } from '../../core/contracts/trace.js';
import { isClusterReport } from '../../../sim/cluster/clusterReport.js';
import { formatClusterSummary } from '../../../sim/cluster/formatClusterSummary.js';
import { renderReportHtml } from '../../../sim/report/html/renderReportHtml.js';
import { formatSummary } from '../../../sim/report/formatSummary.js';
import { costModelFromFlag } from '../../../sim/cost/costModelFlag.js';
import { describeScenario } from '../../../sim/run/describeScenario.js';
import { simulateScenario, withOverrides } from '../../../sim/run/simulateScenario.js';
import { TraceFileWriter } from '../../../sim/run/traceFileWriter.js';
import { loadScenarioFile } from '../../../sim/scenario/loadScenario.js';
import { acceptVllmShortFlags } from '../engineFlagOptions.js';
import { runCliAction } from '../runCliAction.js';
import { tensorParallelSizeFrom } from './simSweepOptions.js';

/** A waiting queue this long makes each trace line tens of kilobytes (at 40 req/s on the illustrative profile: gigabytes per 10,000 requests). */
const LONG_QUEUE_WARNING = 2000;

/** `spyre sim run SCENARIO --out DIR`: one timed simulation → report.json, report.html, trace.jsonl. */
export function registerSimRun(sim: Command): void {
  const run = sim
    .command('run')
    .description('simulate a scenario on the virtual clock with its cost model; write report.json, report.html and trace.jsonl')
    .argument('<scenario>', 'scenario JSON file (SPEC §8)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--no-trace', 'do not write trace.jsonl (faster for large workloads)')
    .option('--cost-model <profile|file>', "replace the scenario's cost_model: a profile name, a device profile (spyre-card or device:FILE), or a calibrate output (FILE or FILE:table)")
    .option('--tensor-parallel-size <n>', "replace the scenario's tensor_parallel_size (-tp): the cards a roofline cost model prices each step on")
    .action((scenarioPath: string, options: { out: string; trace: boolean; costModel?: string; tensorParallelSize?: string }) =>
      runCliAction(() => {
        const loaded = loadScenarioFile(scenarioPath);
        const withCost = options.costModel === undefined ? loaded : { ...loaded, cost_model: costModelFromFlag(options.costModel) };
        const scenario = options.tensorParallelSize === undefined ? withCost : withOverrides(withCost, { tensorParallelSize: tensorParallelSizeFrom(options.tensorParallelSize) });
        mkdirSync(options.out, { recursive: true });
        // A cluster's replicas step independently: one step trace does not describe them (no trace.jsonl).
        const isCluster = scenario.replicas !== undefined || scenario.router !== undefined;
        const trace = options.trace && !isCluster ? new TraceFileWriter(join(options.out, 'trace.jsonl')) : undefined;
        let report;
        try {
          let warned = false;
          const onTrace = (line: StepTraceLine): void => {
            trace!.write(line);
            if (warned || line.waiting.length < LONG_QUEUE_WARNING) return;
            warned = true;
            process.stderr.write(
              `warning: ${line.waiting.length} requests are waiting; every trace.jsonl line lists the waiting queue (SPEC §8), so the trace grows with queue length × steps — pass --no-trace for overloaded runs\n`,
            );
          };
          report = simulateScenario(scenario, dirname(scenarioPath), trace === undefined ? {} : { onTrace });
        } finally {
          trace?.close();
        }
        writeFileSync(join(options.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
        const html = renderReportHtml({
          title: 'spyre sim run',
          subtitle: `${describeScenario(scenarioPath, scenario)} · cost model ${report.cost_model}`,
          runs: [{ label: `chunk=${report.settings.max_num_batched_tokens} seqs=${report.settings.max_num_seqs}`, group: 'run', report }],
        });
        writeFileSync(join(options.out, 'report.html'), html);
        process.stdout.write(formatSummary(report) + '\n' + (isClusterReport(report) ? formatClusterSummary(report) + '\n' : ''));
        process.stderr.write(`wrote report.json, report.html${trace === undefined ? '' : ', trace.jsonl'} to ${options.out}\n`);
      }),
    );
  acceptVllmShortFlags(run);
}
