import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { engineErrorOf } from '../../support/engineErrors.js';

function problemOf(json: unknown): string {
  return engineErrorOf(() => parseScenario(json, 's.json')).message;
}

const workload = { num_requests: 10, arrival: { process: 'poisson', rate: 1 }, prompt_len: { dist: 'fixed', value: 10 }, output_len: { dist: 'fixed', value: 1 } };

describe('having a scenario whose workload or cost model is malformed', () => {
  it('when the arrival process is misspelt, should name workload.arrival.process and the accepted values', () => {
    const message = problemOf({ workload: { ...workload, arrival: { process: 'poison', rate: 1 } } });
    expect(message).toContain('workload.arrival.process');
    expect(message).toContain("'poisson' | 'gamma' | 'closed'");
  });

  it('when a hardware profile is unknown, should name cost_model.profile and the known ones', () => {
    expect(problemOf({ workload, cost_model: { profile: 'gpu' } })).toMatch(/cost_model\.profile: .*"eager-cpu"\|"spyre-illustrative"/);
  });

  it('when a length distribution has a bad value, should name its field', () => {
    expect(problemOf({ workload: { ...workload, output_len: { dist: 'uniform', min: 0, max: 5 } } })).toContain('workload.output_len.min');
  });
});
