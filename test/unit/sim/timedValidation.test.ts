// The timed protocol end to end on loopback: the real engine on the sendnn emulator with device timing behind
// the real HTTP server, loaded by spyre bench serve's client, against the same requests in the simulator.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSendnnModel } from '../../../src/backends/sendnn/sendnnModel.js';
import { runTimedValidation, type TimedValidationResult } from '../../../src/cli/commands/simValidateTimed/runTimedValidation.js';
import { requestsOfLoad } from '../../../src/cli/commands/simValidateTimed/timedLoads.js';
import type { DeviceProfile } from '../../../src/device/deviceProfile.js';
import { RooflineCostModel } from '../../../sim/cost/rooflineCostModel.js';
import { simulateTimedLoad } from '../../../sim/validate/simulateTimedLoad.js';
import { compareTimed, TIMED_FIGURES } from '../../../sim/validate/timedProtocol.js';
import { buildTinyModel, type TinyModelDir } from '../../support/tinyModel.js';

/** Cards slow enough that a step (tens of ms) dwarfs the tiny model's compute and most of the host's time. */
const CARD: DeviceProfile = { name: 'test-card', memoryBandwidthBytesPerS: 1.5e7, fp16FlopsPerS: 7.5e8, launchOverheadS: 0.01, linkBandwidthBytesPerS: 1e9, linkLatencyS: 0.003 };
/** The deliberately wrong profile: memory and compute four times as fast, a tenth of the launch overhead (steps ≈ a quarter as long). */
const WRONG_CARD: DeviceProfile = { ...CARD, name: 'wrong-card', memoryBandwidthBytesPerS: 6e7, fp16FlopsPerS: 3e9, launchOverheadS: 0.001 };

let tiny: TinyModelDir;
let work: string;
let results: TimedValidationResult[];

beforeAll(async () => {
  tiny = buildTinyModel(0, true, { numAttentionHeads: 8, numKeyValueHeads: 4, headDim: 8, tokenizerMerges: 250 });
  work = mkdtempSync(join(tmpdir(), 'spyre-timed-validate-'));
  writeFileSync(join(work, 'card.json'), JSON.stringify(CARD));
  results = await runTimedValidation({
    modelDir: tiny.dir, profilePath: join(work, 'card.json'), maxModelLen: 256, maxNumSeqs: 4, maxNumBatchedTokens: 64,
    tensorParallelSizes: [1], numPrompts: 16, inputLen: 40, outputLen: 8, repeats: 1, seed: 5, out: join(work, 'out'), log: () => undefined,
  });
}, 120_000);
afterAll(() => {
  tiny.remove();
  rmSync(work, { recursive: true, force: true });
});

describe('spyre sim validate --against sendnn-timed', () => {
  it('should write one HTML report with both CDFs per workload and every figure of the error table, and the same table as JSON', () => {
    const html = readFileSync(join(work, 'out', 'validation.html'), 'utf8');
    const json = JSON.parse(readFileSync(join(work, 'out', 'validation.json'), 'utf8')) as { results: { workloads: { label: string; rows: { figure: string; verdict: string }[] }[] }[] };
    const workloads = json.results[0]!.workloads;
    expect(workloads.map((workload) => workload.label)).toEqual(['TP 1 · light', 'TP 1 · near-saturation', 'TP 1 · overloaded']);
    for (const workload of workloads) {
      expect(workload.rows.map((row) => row.figure)).toEqual(TIMED_FIGURES.map((figure) => figure.name));
      expect(html).toContain(`<h2>${workload.label}</h2>`);
    }
    expect(html.match(/TTFT, CDF/g)).toHaveLength(3);
    expect(html.match(/ITL, CDF/g)).toHaveLength(3);
    expect(html.match(/<path class="simulated"/g)).toHaveLength(6);
    expect(html.match(/<path class="real"/g)).toHaveLength(6);
    expect(html.match(/<path class="in-situ"/g)).toHaveLength(6);
    // Two tables per workload: the host overhead of the calibration, and fitted in situ.
    for (const figure of TIMED_FIGURES) expect(html.match(new RegExp(`<td>${figure.name} \\(`, 'g'))).toHaveLength(6);
    expect(results[0]!.host.frontend_s).toBeGreaterThan(0);
  });

  it('should track the real engine with the cards\' own profile and miss by far with a wrong one', () => {
    const device = (profile: DeviceProfile): RooflineCostModel => new RooflineCostModel(profile.name, profile, loadSendnnModel(tiny.dir).desc, tiny.dir, 1, 4);
    const setup = { modelDir: tiny.dir, profilePath: join(work, 'card.json'), tensorParallelSize: 1, maxModelLen: 256, maxNumSeqs: 4, maxNumBatchedTokens: 64 };
    for (const workload of results[0]!.workloads) {
      const right = workload.rows.find((row) => row.figure === 'ITL mean')!;
      // A gross bound only (on a shared, loaded CPU the host's share of a step moves between the calibration
      // and the runs): the right profile is within 40%, the wrong one off by more than 50%.
      expect(Math.abs(right.error), `${workload.label}: ITL mean ${right.real.toFixed(1)} ms real vs ${right.simulated.toFixed(1)} ms simulated`).toBeLessThan(0.4);
      const wrong = compareTimed(workload.real, simulateTimedLoad(setup, requestsOfLoad(workload.load), device(WRONG_CARD), results[0]!.host));
      const wrongItl = wrong.find((row) => row.figure === 'ITL mean')!;
      expect(wrongItl.verdict, workload.label).toBe('misses');
      expect(wrongItl.error, workload.label).toBeLessThan(-0.5);
    }
  });
});
