// Parallel sampling on the sendnn emulator: the forking chunk copies the partial last block on every card
// (sendnn_kv_copy_blocks, ABI 6) and samples each copy from the same logits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmEngine, type CreatedLlmEngine } from '../../../src/app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import type { FinalOutput, GenerateParams, GenerationOutput, PromptInput } from '../../../src/core/engine/generationTypes.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../support/tinyModel.js';

const DEVICE = { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', SPYRE_SENDNN_DEVICE_MEMORY_BYTES: String(1024 ** 3) };
// 150 tokens: two full blocks shared, a partial third block copied for each copy.
const PROMPT: PromptInput = { promptTokenIds: randomIds(11, 150, 5, 200) };
const SEEDED: GenerateParams = { temperature: 1, topK: 40, seed: 900, maxTokens: 16, ignoreEos: true };

async function finals(outputs: AsyncIterable<GenerationOutput>): Promise<FinalOutput[]> {
  const ended: FinalOutput[] = [];
  for await (const output of outputs) if (output.kind === 'final') ended.push(output);
  return ended.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

let tiny: TinyModelDir;
beforeAll(() => {
  tiny = buildTinyModel(5);
});
afterAll(() => tiny.remove());

describe.each([1, 2])('parallel sampling on the sendnn emulator with %i card(s)', (cards) => {
  let created: CreatedLlmEngine;
  let prefillSteps = 0;
  beforeAll(async () => {
    created = await createLlmEngine({
      flags: { model: tiny.dir, maxModelLen: 256, maxNumSeqs: 4, maxNumBatchedTokens: 128, tensorParallelSize: cards },
      env: DEVICE,
      logger: SILENT_LOGGER,
      intraOpNumThreads: 1,
    });
    created.engine.onStep((report) => {
      if (report.plan?.kind === 'prefill') prefillSteps += 1;
    });
  });
  afterAll(async () => {
    await created.close();
  });

  it('should give each of n=3 seeded copies the tokens of a single run with seed + index, from one prefill', async () => {
    prefillSteps = 0;
    const copies = await finals(created.engine.generate(PROMPT, { ...SEEDED, n: 3 }));
    expect(prefillSteps).toBe(2);
    expect(copies.map((final) => final.index)).toEqual([0, 1, 2]);
    for (const copy of copies) {
      const [alone] = await finals(created.engine.generate(PROMPT, { ...SEEDED, seed: SEEDED.seed! + copy.index! }));
      expect(copy.tokenIds).toEqual(alone!.tokenIds);
    }
    expect(new Set(copies.map((final) => final.tokenIds.join(','))).size).toBe(3);
    expect(created.engine.core.stats().kvCacheUsage).toBe(0);
  });
});
