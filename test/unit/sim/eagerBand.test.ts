import { describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../../sim/report/simulationReport.js';
import { bandRow, compareBand, countInside, formatBandRows, insideText } from '../../../sim/validate/eagerBand.js';

/** A report with only the figures the band reads (seconds), the rest irrelevant here. */
function report(itlMean: number, itlP50: number, tpotMean: number, throughput: number, ttftP50: number, ttftP99: number): SimulationReport {
  return { itl_s: { mean: itlMean, p50: itlP50 }, tpot_s: { mean: tpotMean }, throughput: { output_tokens_per_s: throughput }, ttft_s: { p50: ttftP50, p99: ttftP99 } } as unknown as SimulationReport;
}

describe('bandRow', () => {
  // An asymmetric band: min 9, max 14, median 11 — neither centred on the median nor on the mean.
  const runs = [10, 12, 11, 14, 9];

  it('should take the band from the real runs’ min and max and the error from their median', () => {
    const row = bandRow('ITL mean', 'ms', runs, 13.2);
    expect(row.realMin).toBe(9);
    expect(row.realMax).toBe(14);
    expect(row.realMedian).toBe(11);
    expect(row.error).toBeCloseTo(13.2 / 11 - 1, 12);
    expect(row.inside).toBe(true);
  });

  it('should count the band’s edges as inside and anything past them as outside', () => {
    expect(bandRow('f', 'ms', runs, 9).inside).toBe(true);
    expect(bandRow('f', 'ms', runs, 14).inside).toBe(true);
    expect(bandRow('f', 'ms', runs, 8.999).inside).toBe(false);
    expect(bandRow('f', 'ms', runs, 14.001).inside).toBe(false);
  });

  it('should judge by the whole band, not by a symmetric window around the median', () => {
    // 13.9 is 26% above the median and outside median ± half the spread (11 ± 2.5), yet inside min–max.
    expect(bandRow('f', 'ms', runs, 13.9).inside).toBe(true);
    // 8.5 is closer to the median than 13.9 is, yet below the band.
    expect(bandRow('f', 'ms', runs, 8.5).inside).toBe(false);
  });

  it('should refuse an empty set of real runs', () => {
    expect(() => bandRow('TTFT p50', 'ms', [], 1)).toThrow(/at least one real run \(figure TTFT p50\)/);
  });
});

describe('compareBand and countInside', () => {
  const real = [report(0.010, 0.009, 0.011, 100, 0.020, 0.050), report(0.012, 0.010, 0.013, 90, 0.025, 0.070), report(0.011, 0.0095, 0.012, 95, 0.022, 0.060)];

  it('should check the six figures in milliseconds (tokens/s for throughput) and count them', () => {
    // ITL mean inside, ITL p50 below, TPOT mean on the upper edge, throughput above, TTFT p50 inside, TTFT p99 above.
    const rows = compareBand(real, report(0.0115, 0.0085, 0.013, 101, 0.021, 0.0701));
    expect(rows.map((row) => row.figure)).toEqual(['ITL mean', 'ITL p50', 'TPOT mean', 'output throughput', 'TTFT p50', 'TTFT p99']);
    expect(rows.map((row) => row.inside)).toEqual([true, false, true, false, true, false]);
    expect(rows[0]!.realMin).toBeCloseTo(10, 9);
    expect(rows[0]!.realMax).toBeCloseTo(12, 9);
    expect(rows[3]!.realMin).toBe(90);
    const second = compareBand(real, report(0.011, 0.0095, 0.012, 95, 0.022, 0.060));
    const count = countInside([rows, second]);
    expect(count).toEqual({ inside: 9, total: 12 });
    expect(insideText(count)).toBe('inside the band: 9 of 12 figures');
    expect(formatBandRows(rows)).toContain('outside the band');
  });
});
