import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario } from '../../../sim/scenario/loadScenario.js';
import { replayScenario } from '../../../sim/replay/replayScenario.js';
import { engineErrorOf } from '../../support/engineErrors.js';

function problemOf(body: () => unknown): string {
  return engineErrorOf(body).message;
}

const valid = { config: { max_model_len: 256, max_num_seqs: 2, max_num_batched_tokens: 64 }, requests: [{ id: 'a', prompt: { length: 10, seed: 1 }, max_tokens: 2 }] };

describe('having a malformed scenario', () => {
  it('when a request field has the wrong value, should name the field path and the problem', () => {
    const message = problemOf(() => parseScenario({ ...valid, requests: [{ id: 'a', prompt: { length: 10 }, max_tokens: -3 }] }, 's.json'));
    expect(message).toContain('Scenario s.json is not valid');
    expect(message).toContain('requests[0].max_tokens');
  });

  it('when a config key is unknown or mistyped, should name it', () => {
    expect(problemOf(() => parseScenario({ ...valid, config: { max_model_length: 256 } }, 's.json'))).toContain('max_model_length');
    expect(problemOf(() => parseScenario({ ...valid, config: { max_num_seqs: 'four' } }, 's.json'))).toContain('config.max_num_seqs');
  });

  it('when a prompt is neither token ids nor {length, seed}, should name requests[i].prompt', () => {
    expect(problemOf(() => parseScenario({ ...valid, requests: [{ id: 'a', prompt: 'hello', max_tokens: 2 }] }, 's.json'))).toContain('requests[0].prompt');
  });

  it('when the file is not JSON, should say so with the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"config": ');
    expect(problemOf(() => loadScenarioFile(path))).toContain(`Scenario ${path} is not valid JSON`);
    expect(problemOf(() => loadScenarioFile(join(dir, 'missing.json')))).toContain('Cannot read scenario');
  });

  it('when the engine config is invalid, should fail with the engine\'s own text', () => {
    const scenario = parseScenario({ ...valid, config: { ...valid.config, max_num_batched_tokens: 100 } }, 's.json');
    expect(problemOf(() => replayScenario(scenario))).toContain('must be divisible by the block size (64)');
  });

  it('when a request exceeds the context, should name the request and give the SPEC §1.4 text', () => {
    const scenario = parseScenario({ ...valid, requests: [{ id: 'big', prompt: { length: 250, seed: 1 }, max_tokens: 20 }] }, 's.json');
    expect(problemOf(() => replayScenario(scenario))).toBe(
      "requests (id 'big'): Could not add request: prompt length is 250 tokens, which gets padded to 256 tokens, maximum number of output tokens is 20 tokens, but max model context length is 256.",
    );
  });

  it('when a replay scenario uses arrival_time, should say to use arrival_step', () => {
    const scenario = parseScenario({ ...valid, requests: [{ id: 'a', arrival_time: 0.5, prompt: [1, 2], max_tokens: 2 }] }, 's.json');
    expect(problemOf(() => replayScenario(scenario))).toContain('arrival_step');
  });
});
