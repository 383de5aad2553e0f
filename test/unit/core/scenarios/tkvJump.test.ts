import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../support/scenarioRunner.js';

describe('having a short request join another that is about to cross a block boundary', () => {
  const run = runScenario({
    config: { max_model_len: 512, max_num_seqs: 2, max_num_batched_tokens: 128 },
    requests: [
      { id: 'a', arrival_step: 0, prompt: { length: 60, seed: 1 }, max_tokens: 10, ignore_eos: true },
      { id: 'b', arrival_step: 1, prompt: { length: 10, seed: 2 }, max_tokens: 10, ignore_eos: true },
    ],
  });

  it('should pad b by one block when a takes its second block (tkv jumps 64 → 78) and drop the padding when a finishes', () => {
    expect(run.steps).toEqual([
      'prefill tkv=60 w= r=a o=a f= used=1 | a:1',
      'decode tkv=61 w=b r=a o=a f= used=1 | a:1',
      'prefill tkv=61 w= r=b,a o=b f= used=2 | b:2 a:1',
      'decode tkv=62 w= r=b,a o=b,a f= used=2 | b:2 a:1',
      'decode tkv=63 w= r=b,a o=b,a f= used=2 | b:2 a:1',
      'decode tkv=64 w= r=b,a o=b,a f= used=2 | b:2 a:1',
      'decode tkv=78 w= r=b,a o=b,a f= used=3 | b:2 a:1,3',
      'decode tkv=79 w= r=b,a o=b,a f= used=3 | b:2 a:1,3',
      'decode tkv=80 w= r=b,a o=b,a f= used=3 | b:2 a:1,3',
      'decode tkv=81 w= r=b,a o=b,a f= used=3 | b:2 a:1,3',
      'decode tkv=82 w= r=b o=b,a f=a used=1 | b:2',
      'decode tkv=19 w= r= o=b f=b used=0',
      'idle tkv=0 w= r= o= f= used=0',
    ]);
  });
});
