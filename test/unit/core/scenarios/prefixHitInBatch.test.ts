import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../support/scenarioRunner.js';

const shared = Array.from({ length: 256 }, (_, index) => 1 + ((index * 37) % 200));
const tailA = Array.from({ length: 44 }, (_, index) => 201 + (index % 40));
const tailB = Array.from({ length: 44 }, (_, index) => 210 + (index % 35));

describe('having a request that shares 4 blocks with one still running (prefix caching on)', () => {
  const run = runScenario({
    config: { max_model_len: 512, max_num_seqs: 2, max_num_batched_tokens: 128, enable_prefix_caching: true },
    requests: [
      { id: 'a', arrival_step: 0, prompt: [...shared, ...tailA], max_tokens: 3, ignore_eos: true },
      { id: 'b', arrival_step: 3, prompt: [...shared, ...tailB], max_tokens: 3, ignore_eos: true },
    ],
  });

  it('should share the 4 hit blocks (reference count 2), skip the 3 usable ones and recompute chunk 2 with the hit block writing to 0', () => {
    expect(run.steps).toEqual([
      'prefill tkv=300 w= r=a o= f= used=2 | a:1,2',
      'prefill tkv=300 w= r=a o= f= used=3 | a:1,2,3',
      'prefill tkv=300 w= r=a o=a f= used=5 | a:1,2,3,4,5',
      'decode tkv=301 w=b r=a o=a f= used=5 | a:1,2,3,4,5',
      'prefill tkv=301 w= r=b,a o=b f= used=6 | b:1,2,3,4,6 a:1,2,3,4,5',
      'decode tkv=302 w= r=b o=b,a f=a used=5 | b:1,2,3,4,6',
      'decode tkv=302 w= r= o=b f=b used=0',
      'idle tkv=0 w= r= o= f= used=0',
    ]);
    const joinStep = run.trace[4]!;
    expect(joinStep.prefillSlotBlocks).toEqual({ b: [0, 6] });
    expect(joinStep.refCounts).toEqual({ 1: 2, 2: 2, 3: 2, 4: 2, 5: 1, 6: 1 });
    expect(joinStep.cachedBlocks).toBe(3);
  });
});
