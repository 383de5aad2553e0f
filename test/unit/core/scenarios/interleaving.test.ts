import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../support/scenarioRunner.js';

function scenario(interleave: '0' | '1') {
  return {
    config: { max_model_len: 256, max_num_seqs: 2, max_num_batched_tokens: 64, env: { VLLM_SPYRE_CP_INTERLEAVE_STEPS: interleave } },
    requests: [
      { id: 'a', arrival_step: 0, prompt: { length: 100, seed: 1 }, max_tokens: 3, ignore_eos: true },
      { id: 'b', arrival_step: 0, prompt: { length: 30, seed: 2 }, max_tokens: 2, ignore_eos: true },
    ],
  };
}

describe('having a two-chunk prompt and a one-chunk prompt that arrive together', () => {
  it('when interleaving is off, should give prefill priority: b prefills right after a, then both decode', () => {
    expect(runScenario(scenario('0')).steps).toEqual([
      'prefill tkv=100 w=b r=a o= f= used=1 | a:1',
      'prefill tkv=100 w=b r=a o=a f= used=2 | a:1,2',
      'prefill tkv=100 w= r=b,a o=b f= used=3 | b:3 a:1,2',
      'decode tkv=101 w= r=a o=b,a f=b used=2 | a:1,2',
      'decode tkv=102 w= r= o=a f=a used=0',
      'idle tkv=0 w= r= o= f= used=0',
    ]);
  });

  it('when interleaving is on, should run a decode step between the last chunk of a and the prefill of b', () => {
    expect(runScenario(scenario('1')).steps).toEqual([
      'prefill tkv=100 w=b r=a o= f= used=1 | a:1',
      'prefill tkv=100 w=b r=a o=a f= used=2 | a:1,2',
      'decode tkv=101 w=b r=a o=a f= used=2 | a:1,2',
      'prefill tkv=101 w= r=b,a o=b f= used=3 | b:3 a:1,2',
      'decode tkv=102 w= r= o=b,a f=b,a used=0',
      'idle tkv=0 w= r= o= f= used=0',
    ]);
  });
});
