import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/sharedPaths.js';

const SPYRE = join(REPO_ROOT, 'bin/spyre.js');
const WORKLOAD = join(REPO_ROOT, 'sim/examples/calibration/sparse.scenario.json');

/** Runs `spyre sim calibrate …`, expecting it to fail; gives its exit code and stderr. */
function failure(args: string[]): { status: number; stderr: string } {
  try {
    execFileSync(process.execPath, [SPYRE, 'sim', 'calibrate', '--out', '/nonexistent-dir/profile.json', ...args], { encoding: 'utf8', cwd: '/', stdio: 'pipe' });
  } catch (error) {
    const failed = error as { status: number; stderr: string };
    return { status: failed.status, stderr: String(failed.stderr) };
  }
  throw new Error('expected the command to fail');
}

describe('having spyre sim calibrate with --workload (a calibration from real runs)', () => {
  it('when grid flags are given too, should name the conflicting flags and say what to drop, before loading a model', () => {
    const { status, stderr } = failure(['--executor', 'eager', '--model', '/nonexistent-model-dir', '--workload', WORKLOAD, '--chunk-sizes', '64', '--repeats', '3']);
    expect(status).toBe(2);
    expect(stderr).toContain('--workload and --chunk-sizes, --repeats conflict');
    expect(stderr).toMatch(/Drop those flags, or drop --workload/);
    expect(stderr).not.toContain('nonexistent-model-dir');
  });

  it('when no --model is given, should ask for one', () => {
    const { status, stderr } = failure(['--executor', 'eager', '--workload', WORKLOAD]);
    expect(status).toBe(2);
    expect(stderr).toContain('--workload runs the real engine: it needs --model DIR');
  });

  it('when the executor is not eager, should ask for --executor eager', () => {
    const { status, stderr } = failure(['--model', '/nonexistent-model-dir', '--workload', WORKLOAD]);
    expect(status).toBe(2);
    expect(stderr).toContain("it needs --executor eager (got 'synthetic')");
  });

  it('when a workload file does not exist, should name it before loading a model', () => {
    const { status, stderr } = failure(['--executor', 'eager', '--model', '/nonexistent-model-dir', '--workload', '/nonexistent/workload.json']);
    expect(status).toBe(2);
    expect(stderr).toContain('/nonexistent/workload.json');
    expect(stderr).not.toContain('nonexistent-model-dir');
  });
});
