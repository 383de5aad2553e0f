import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../support/scenarioRunner.js';

const promptA = Array.from({ length: 130 }, (_, index) => 1 + ((index * 13) % 240));
const promptB = Array.from({ length: 380 }, (_, index) => 2 + ((index * 29) % 230));

describe('having a pool of 7 usable blocks, prefix caching on, and an unrelated long prompt between two equal ones', () => {
  const run = runScenario({
    config: { max_model_len: 512, max_num_seqs: 1, max_num_batched_tokens: 64, enable_prefix_caching: true, num_blocks: 8, env: { VLLM_SPYRE_CP_INTERLEAVE_STEPS: '0' } },
    requests: [
      { id: 'a', arrival_step: 0, prompt: promptA, max_tokens: 2, ignore_eos: true },
      { id: 'b', arrival_step: 4, prompt: promptB, max_tokens: 2, ignore_eos: true },
      { id: 'c', arrival_step: 11, prompt: promptA, max_tokens: 2, ignore_eos: true },
    ],
  });

  it('should let b evict a\'s second cached block (LRU), so c reuses only the first chunk', () => {
    expect(run.steps).toEqual([
      'prefill tkv=130 w= r=a o= f= used=1 | a:1',
      'prefill tkv=130 w= r=a o= f= used=2 | a:1,2',
      'prefill tkv=130 w= r=a o=a f= used=3 | a:1,2,3',
      'decode tkv=131 w= r= o=a f=a used=0',
      'prefill tkv=380 w= r=b o= f= used=1 | b:4',
      'prefill tkv=380 w= r=b o= f= used=2 | b:4,5',
      'prefill tkv=380 w= r=b o= f= used=3 | b:4,5,6',
      'prefill tkv=380 w= r=b o= f= used=4 | b:4,5,6,7',
      'prefill tkv=380 w= r=b o= f= used=5 | b:4,5,6,7,3',
      'prefill tkv=380 w= r=b o=b f= used=6 | b:4,5,6,7,3,2',
      'decode tkv=381 w= r= o=b f=b used=0',
      'prefill tkv=130 w= r=c o= f= used=2 | c:1,2',
      'prefill tkv=130 w= r=c o=c f= used=3 | c:1,2,3',
      'decode tkv=131 w= r= o=c f=c used=0',
      'idle tkv=0 w= r= o= f= used=0',
    ]);
    expect(run.trace[11]!.cachedBlocks).toBe(1);
    expect(run.trace[11]!.prefillSlotBlocks).toEqual({ c: [2] });
    expect(run.trace[11]!.freeBlocks).toBe(5);
  });
});
