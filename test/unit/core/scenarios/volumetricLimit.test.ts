import { describe, expect, it } from 'vitest';
import { runScenario, stepsFrom } from '../../../support/scenarioRunner.js';

describe('having VLLM_DT_MAX_BATCH_TKV_LIMIT=200 and three one-block prompts of 8 tokens each', () => {
  // Two of them fit (volume 2·71 = 142); a third would reach 3·71 = 213 > 200, so c waits for the batch to
  // drain even though a decode slot (max_num_seqs=3) is free.
  const run = runScenario({
    config: { max_model_len: 256, max_num_seqs: 3, max_num_batched_tokens: 128, env: { VLLM_DT_MAX_BATCH_TKV_LIMIT: '200', VLLM_SPYRE_CP_INTERLEAVE_STEPS: '0' } },
    requests: ['a', 'b', 'c'].map((id, index) => ({ id, arrival_step: 0, prompt: { length: 64, seed: index }, max_tokens: 8, ignore_eos: true })),
  });

  it('should hold c back until a and b finish, then run it alone', () => {
    expect(run.steps).toEqual([
      'prefill tkv=64 w=b,c r=a o=a f= used=1 | a:1',
      'prefill tkv=64 w=c r=b,a o=b f= used=2 | b:2 a:1',
      ...stepsFrom(3, 8, (step) => `decode tkv=${62 + step} w=c r=b,a o=b,a f= used=4 | b:2,3 a:1,4`),
      'decode tkv=71 w=c r= o=b,a f=b,a used=0',
      'prefill tkv=64 w= r=c o=c f= used=1 | c:5',
      ...stepsFrom(11, 16, (step) => `decode tkv=${54 + step} w= r=c o=c f= used=2 | c:5,6`),
      'decode tkv=71 w= r= o=c f=c used=0',
      'idle tkv=0 w= r= o= f= used=0',
    ]);
  });

  it('should never let a decode batch exceed the limit', () => {
    for (const line of run.trace) if (line.kind === 'decode') expect(line.tkv * line.outputs.length).toBeLessThanOrEqual(200);
  });
});
