import { describe, expect, it } from 'vitest';
import { runScenario, stepsFrom } from '../../../support/scenarioRunner.js';

describe('having a long-output request decoding when a three-chunk prompt reaches its last chunk', () => {
  // L=384. When b's last chunk joins, the batch re-aligns to b's 4 blocks: a's tkv becomes
  // 256 + a.computed % 64, and a's remaining output no longer fits below max_model_len until a.computed
  // reaches 128 (the next block boundary), so b's last chunk waits while a decodes.
  const run = runScenario({
    config: { max_model_len: 384, max_num_seqs: 2, max_num_batched_tokens: 128 },
    requests: [
      { id: 'a', arrival_step: 0, prompt: { length: 10, seed: 1 }, max_tokens: 200, ignore_eos: true },
      { id: 'b', arrival_step: 0, prompt: { length: 300, seed: 2 }, max_tokens: 5, ignore_eos: true },
    ],
  });

  it('should run b\'s first chunks, hold its last chunk for 115 decode steps, then join and re-align', () => {
    const aTable = (step: number): string => (step < 58 ? 'a:1' : 'a:1,5');
    expect(run.steps).toEqual([
      'prefill tkv=10 w=b r=a o=a f= used=1 | a:1',
      'decode tkv=11 w=b r=a o=a f= used=1 | a:1',
      'prefill tkv=11 w= r=b,a o= f= used=3 | b:2,3 a:1',
      'decode tkv=12 w= r=a,b o=a f= used=3 | a:1 b:2,3',
      'prefill tkv=12 w= r=b,a o= f= used=4 | b:2,3,4 a:1',
      'decode tkv=13 w= r=a,b o=a f= used=4 | a:1 b:2,3,4',
      ...stepsFrom(7, 121, (step) => `decode tkv=${step + 7} w= r=a,b o=a f= used=${step < 58 ? 4 : 5} | ${aTable(step)} b:2,3,4`),
      'prefill tkv=320 w= r=b,a o=b f= used=7 | b:2,3,4,6,7 a:1,5',
      'decode tkv=301 w= r=b,a o=b,a f= used=8 | b:2,3,4,6,7 a:1,5,8',
      'decode tkv=302 w= r=b,a o=b,a f= used=8 | b:2,3,4,6,7 a:1,5,8',
      'decode tkv=303 w= r=b,a o=b,a f= used=8 | b:2,3,4,6,7 a:1,5,8',
      'decode tkv=304 w= r=a o=b,a f=b used=3 | a:1,5,8',
      ...stepsFrom(127, 202, (step) => `decode tkv=${step + 6} w= r=a o=a f= used=${step < 187 ? 3 : 4} | a:1,5,8${step < 187 ? '' : ',9'}`),
      'decode tkv=209 w= r= o=a f=a used=0',
      'idle tkv=0 w= r= o= f= used=0',
    ]);
  });
});
