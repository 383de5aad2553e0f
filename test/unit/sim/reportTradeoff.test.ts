// The trade-off charts of a sweep's report: each point names its chunk size, is coloured like the table's
// swatch of its setting, the recommended one is marked, and a p99 axis whose values span more than 20× is
// logarithmic. The page's script only draws what this computes.
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../sim/report/html/renderReportHtml.js';
import { REPORT_SCRIPT } from '../../../sim/report/html/reportScript.js';
import { chunkColours, pointText, tradeoffChart, wantsLogScale, type ChartRun } from '../../../sim/report/html/tradeoffPoints.js';
import { simulateScenario } from '../../../sim/run/simulateScenario.js';
import { sweepPoints } from '../../../sim/sweep/sweepPoints.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';

const scenario = parseScenario(
  {
    config: { max_model_len: 512, max_num_seqs: 2, max_num_batched_tokens: 128 },
    workload: { num_requests: 30, seed: 2, arrival: { process: 'poisson', rate: 6 }, prompt_len: { dist: 'uniform', min: 10, max: 400 }, output_len: { dist: 'fixed', value: 8 } },
  },
  'tradeoff-test',
);
// Chunk sizes listed out of order, so that a colour by position would differ from a colour by size.
const runs: ChartRun[] = sweepPoints({ chunkSizes: [256, 64, 128], maxNumSeqs: [1, 2] }).map((point) => ({
  label: point.label,
  group: point.group,
  report: simulateScenario(scenario, '.', { overrides: point.overrides }),
}));

describe("having a sweep's trade-off charts computed", () => {
  it('should colour every setting by the rank of its chunk size, the same in every group', () => {
    expect(runs.map((run) => run.label)).toEqual(['chunk=256 seqs=1', 'chunk=64 seqs=1', 'chunk=128 seqs=1', 'chunk=256 seqs=2', 'chunk=64 seqs=2', 'chunk=128 seqs=2']);
    expect(chunkColours(runs)).toEqual([2, 0, 1, 2, 0, 1]);
  });

  it('should name each point by what its group does not already say, the chunk size as a bare number', () => {
    expect(pointText('chunk=256 seqs=4', 'seqs=4')).toBe('256');
    expect(pointText('chunk=256 tp=2 seqs=4', 'tp=2 seqs=4')).toBe('256');
    expect(pointText('chunk=512', 'scenario')).toBe('512');
    expect(pointText('scenario', 'scenario')).toBe('scenario');
  });

  it('should place each setting at its throughput and p99 in milliseconds, in throughput order, with the recommended one marked', () => {
    const chart = tradeoffChart(runs, 'ttft_s', 4, undefined);
    expect(chart.points).toHaveLength(runs.length);
    for (const point of chart.points) {
      const run = runs[point.run]!;
      expect(point.x).toBe(run.report.throughput.output_tokens_per_s);
      expect(point.y).toBeCloseTo(run.report.ttft_s.p99 * 1000, 9);
      expect(point.group).toBe(run.group);
      expect(point.text).toBe(String(run.report.settings.max_num_batched_tokens));
      expect(point.colour).toBe(chunkColours(runs)[point.run]);
      expect(point.recommended).toBe(point.run === 4);
    }
    const xs = chart.points.map((point) => point.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('should make a p99 axis logarithmic only when its values, target included, span more than 20×', () => {
    expect(wantsLogScale([4805, 863_000])).toBe(true);
    expect(wantsLogScale([49.9, 259.3, 100])).toBe(false);
    expect(wantsLogScale([0, 500])).toBe(false);
    const ys = tradeoffChart(runs, 'itl_s', undefined, undefined).points.map((point) => point.y);
    const tiny = Math.min(...ys) / 100;
    expect(tradeoffChart(runs, 'itl_s', undefined, tiny).logScale).toBe(true);
  });

  it('should embed the colours and both charts in the page, and no charts for a single setting', () => {
    const dataOf = (html: string): { colours: number[]; tradeoff: { itl: unknown; ttft: unknown } | null } =>
      JSON.parse(/<script id="report-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!) as { colours: number[]; tradeoff: { itl: unknown; ttft: unknown } | null };
    const page = dataOf(renderReportHtml({ title: 't', subtitle: 's', runs, recommended: 1, targets: { itl_p99_ms: 50 } }));
    expect(page.colours).toEqual(chunkColours(runs));
    expect(page.tradeoff?.itl).toEqual(tradeoffChart(runs, 'itl_s', 1, 50));
    expect(page.tradeoff?.ttft).toEqual(tradeoffChart(runs, 'ttft_s', 1, undefined));
    expect(dataOf(renderReportHtml({ title: 't', subtitle: 's', runs: [runs[0]!] })).tradeoff).toBeNull();
  });

  it('should give the page a script that parses (it is a string: nothing else checks its syntax)', () => {
    expect(() => new Function(REPORT_SCRIPT)).not.toThrow();
  });
});
