import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { replayScenario } from '../../../sim/replay/replayScenario.js';
import { loadGoldenExamples, withoutTime } from '../../support/goldenExamples.js';

const examples = loadGoldenExamples();

describe('having the worked examples of ../shared/examples', () => {
  it('should find all eight', () => {
    expect(examples.map((example) => example.name)).toEqual([
      'frontend-validation-off-join',
      'frontend-validation-off-long-prompt',
      'interleave-three-requests',
      'prefix-hit-first-chunk',
      'prefix-hit-interleaved-arrival',
      'prefix-hit-misaligned',
      'shared-prefix-small-pool',
      'volumetric-limit',
    ]);
  });

  for (const example of examples) {
    describe(`when replaying ${example.name}`, () => {
      const { trace } = replayScenario(parseScenario(example.scenario, example.name));

      it('should produce as many steps as the golden trace', () => {
        expect(trace.length).toBe(example.trace.length);
      });

      it('should match every field of every step except time', () => {
        for (let index = 0; index < example.trace.length; index++) {
          expect({ step: index + 1, ...withoutTime(trace[index] ?? {}) }).toEqual({ step: index + 1, ...withoutTime(example.trace[index]!) });
        }
      });
    });
  }
});
