import { describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../../sim/report/simulationReport.js';
import { compareReports, formatValidation } from '../../../sim/validate/compareReports.js';

/** A report with only the compared figures set (the rest is never read by compareReports). */
function report(ttftP50: number, itlP50: number, tokensPerS: number): SimulationReport {
  return {
    ttft_s: { p50: ttftP50, p99: 2 * ttftP50 },
    itl_s: { mean: 1.5 * itlP50, p50: itlP50, p99: 3 * itlP50 },
    throughput: { output_tokens_per_s: tokensPerS },
  } as unknown as SimulationReport;
}

describe('compareReports', () => {
  describe('with one real run', () => {
    it('should give simulated / measured − 1 and no spread', () => {
      const rows = compareReports(report(0.1, 0.02, 50), report(0.11, 0.019, 50));
      expect(rows.map((row) => row.metric)).toEqual(['TTFT p50 (s)', 'TTFT p99 (s)', 'ITL mean (s)', 'ITL p50 (s)', 'ITL p99 (s)', 'output tokens/s']);
      expect(rows[0]?.relativeError).toBeCloseTo(0.1, 12);
      expect(rows[3]?.relativeError).toBeCloseTo(-0.05, 12);
      expect(rows[5]?.relativeError).toBe(0);
      expect(rows.every((row) => row.measuredSpread === 0 && row.measuredRuns.length === 1)).toBe(true);
      expect(formatValidation(rows)).not.toContain('real spread');
    });
  });

  describe('with repeated real runs', () => {
    it('should compare with their median and report how far they spread around it', () => {
      const runs = [report(0.1, 0.02, 60), report(0.3, 0.025, 40), report(0.2, 0.021, 50)];
      const rows = compareReports(runs, report(0.22, 0.021, 55));
      const ttft = rows[0];
      expect(ttft?.measured).toBe(0.2);
      expect(ttft?.measuredRuns).toEqual([0.1, 0.3, 0.2]);
      expect(ttft?.measuredSpread).toBeCloseTo(1, 12); // (0.3 − 0.1) / 0.2
      expect(ttft?.relativeError).toBeCloseTo(0.1, 12);
      expect(rows[5]?.measured).toBe(50);
      expect(rows[5]?.measuredSpread).toBeCloseTo(0.4, 12);
      expect(formatValidation(rows)).toContain('median of 3 real runs');
    });

    it('should take the mean of the middle two for an even number of runs', () => {
      expect(compareReports([report(0.1, 0.02, 40), report(0.3, 0.02, 60)], report(0.2, 0.02, 50))[0]?.measured).toBeCloseTo(0.2, 12);
    });
  });
});
