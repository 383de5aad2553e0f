import type { CalibrationProfile } from '../../../sim/cost/calibrationProfile.js';

/** What `spyre sim calibrate` prints once it has written a profile: the fit's quality and its coefficients. */
export function calibrationSummary(profile: CalibrationProfile, measured: string, outPath: string, usage: string): string {
  const coefficients = Object.entries(profile.linear).map(([name, value]) => `  ${name.padEnd(28)} ${value.toExponential(4)}`).join('\n');
  return `fitted on ${measured}: R² ${profile.fit.r_squared.toFixed(4)}, RMS residual ${(profile.fit.rms_residual_s * 1000).toFixed(3)} ms\n${coefficients}\nwrote ${outPath}; ${usage}\n`;
}
