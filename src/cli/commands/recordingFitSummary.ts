import type { RecordingFit } from '../../../sim/calibrate/fitFromRecording.js';
import type { CalibrationProfile } from '../../../sim/cost/calibrationProfile.js';

const FIGURE_LABELS: Readonly<Record<keyof RecordingFit['figures'], string>> = {
  ttftP50: 'TTFT p50', ttftP99: 'TTFT p99', itlMean: 'ITL mean', itlP50: 'ITL p50',
};

/** The profile's `recording_fit`: what the bootstrap and the fitted point's summary figures say. */
export function recordingFitRecord(fit: RecordingFit): NonNullable<CalibrationProfile['recording_fit']> {
  const figures = Object.fromEntries(Object.entries(fit.figures).map(([name, figure]) => [name, { recorded_s: figure.recordedS, simulated_s: figure.simulatedS, relative_error: figure.relativeError }]));
  const bootstrap = fit.uncertainty === undefined
    ? undefined
    : { resamples: fit.uncertainty.resamples, seed: fit.uncertainty.seed, ranges: { ...fit.uncertainty.ranges } as Record<string, { p5: number; p50: number; p95: number }> };
  return { simulations: fit.evaluations, ...(bootstrap === undefined ? {} : { bootstrap }), figures };
}

/** Lines printed after the coefficients: each fitted one's bootstrap range, then the residual per figure. */
export function recordingFitSummary(fit: RecordingFit): string {
  const lines: string[] = [];
  if (fit.uncertainty !== undefined) {
    lines.push(`bootstrap 5–95% over ${fit.uncertainty.resamples} resamples of the requests (seed ${fit.uncertainty.seed}):`);
    for (const [name, range] of Object.entries(fit.uncertainty.ranges)) {
      const value = fit.coefficients[name as keyof RecordingFit['coefficients']];
      lines.push(`  ${name.padEnd(28)} ${range.p5.toExponential(4)} – ${range.p95.toExponential(4)} (${formatPercent(range.p5 / value - 1)} / ${formatPercent(range.p95 / value - 1)})`);
    }
  }
  lines.push('residual error per figure at the fitted point (simulated vs recorded):');
  for (const [name, figure] of Object.entries(fit.figures)) {
    lines.push(`  ${FIGURE_LABELS[name as keyof RecordingFit['figures']].padEnd(9)} recorded ${(figure.recordedS * 1000).toFixed(3)} ms, simulated ${(figure.simulatedS * 1000).toFixed(3)} ms (${formatPercent(figure.relativeError)})`);
  }
  return lines.join('\n') + '\n';
}

function formatPercent(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(2)}%`;
}
