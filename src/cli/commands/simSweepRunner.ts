import { SingleBar, Presets } from 'cli-progress';
import { runSweep, type SweepResult } from '../../../sim/sweep/runSweep.js';
import type { SweepPoint } from '../../../sim/sweep/sweepPoints.js';
import type { Scenario } from '../../../sim/scenario/scenarioSchema.js';

/** Runs a sweep on worker threads with a progress bar on stderr. */
export async function runSweepWithProgress(scenario: Scenario, baseDir: string, points: readonly SweepPoint[], workers: number | undefined): Promise<SweepResult[]> {
  const bar = new SingleBar({ format: 'simulating [{bar}] {value}/{total} settings | {duration}s', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar.start(points.length, 0);
  try {
    return await runSweep(scenario, baseDir, points, { ...(workers !== undefined ? { workers } : {}), onProgress: (done) => bar.update(done) });
  } finally {
    bar.stop();
  }
}
