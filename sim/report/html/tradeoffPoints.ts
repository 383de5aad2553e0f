/**
 * What the report's charts draw for each setting, computed here so the page's script only draws it: the
 * colour of each setting (one per chunk size, the same in the table, the distributions and the trade-off
 * points) and the points of the throughput-vs-p99 charts, each labelled with what sets it apart in its group.
 */
import type { SimulationReport } from '../simulationReport.js';

/** A setting as the charts see it (the page's `ReportRun`). */
export interface ChartRun {
  readonly label: string;
  readonly group: string;
  readonly report: SimulationReport;
}

/** One setting in a throughput-vs-p99 chart. */
export interface TradeoffPoint {
  /** Index of the setting in the page's runs. */
  readonly run: number;
  readonly group: string;
  /** What the point is called beside it: the setting's label less its group's words (`256` for chunk=256). */
  readonly text: string;
  /** Palette index: the setting's chunk size among the page's chunk sizes. */
  readonly colour: number;
  readonly recommended: boolean;
  /** Output tokens per second. */
  readonly x: number;
  /** The p99, in milliseconds. */
  readonly y: number;
}

/** One throughput-vs-p99 chart: its points in throughput order, and whether its p99 axis is logarithmic. */
export interface TradeoffChart {
  readonly points: readonly TradeoffPoint[];
  readonly logScale: boolean;
}

/** Above this ratio of the largest to the smallest value (target included), a p99 axis is logarithmic. */
export const LOG_SCALE_SPAN = 20;

/** Each setting's palette index: its chunk size's rank among the distinct chunk sizes of the page. */
export function chunkColours(runs: readonly ChartRun[]): number[] {
  const chunkSizes = [...new Set(runs.map((run) => run.report.settings.max_num_batched_tokens))].sort((a, b) => a - b);
  return runs.map((run) => chunkSizes.indexOf(run.report.settings.max_num_batched_tokens));
}

/**
 * The words of a label that its group does not already say, the chunk size as its bare number
 * (`chunk=256 seqs=4` in group `seqs=4` → `256`): short enough to sit beside a point.
 */
export function pointText(label: string, group: string): string {
  const groupWords = new Set(group.split(' '));
  const own = label.split(' ').filter((word) => !groupWords.has(word)).map((word) => word.replace(/^chunk=/, ''));
  return own.length === 0 ? label : own.join(' ');
}

/** Whether values spanning this range read better on a logarithmic axis (every value positive). */
export function wantsLogScale(values: readonly number[]): boolean {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0 || finite.some((value) => value <= 0)) return false;
  return Math.max(...finite) / Math.min(...finite) > LOG_SCALE_SPAN;
}

/** The throughput-vs-p99 chart of one metric (`itl_s` or `ttft_s`), with the target the page draws. */
export function tradeoffChart(runs: readonly ChartRun[], metric: 'itl_s' | 'ttft_s', recommended: number | undefined, targetMs: number | undefined): TradeoffChart {
  const colours = chunkColours(runs);
  const points = runs
    .map((run, index): TradeoffPoint => ({
      run: index,
      group: run.group,
      text: pointText(run.label, run.group),
      colour: colours[index]!,
      recommended: index === recommended,
      x: run.report.throughput.output_tokens_per_s,
      y: run.report[metric].p99 * 1000,
    }))
    .sort((a, b) => a.x - b.x || a.run - b.run);
  return { points, logScale: wantsLogScale([...points.map((point) => point.y), ...(targetMs === undefined ? [] : [targetMs])]) };
}
