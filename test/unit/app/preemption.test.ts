import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeLlmEngine } from '../../../src/app/createLlmEngine.js';
import { loadEagerModel, type EagerModel } from '../../../src/backends/eager/eagerModel.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import type { GenerateParams } from '../../../src/core/engine/generationTypes.js';
import { SamplingStateStore } from '../../../src/core/engine/sampling/samplingStateStore.js';
import { buildTinyModel, randomIds, type TinyModelDir } from '../../support/tinyModel.js';

let tiny: TinyModelDir;
let model: EagerModel;

beforeAll(async () => {
  tiny = buildTinyModel();
  model = await loadEagerModel(tiny.dir, { intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model.session.release();
  tiny.remove();
});

const PROMPTS = [0, 1, 2, 3].map((i) => ({ promptTokenIds: randomIds(70 + i, 90 + 10 * i, 3, 400) }));

async function generateAll(numBlocks: number | undefined, params: (i: number) => GenerateParams) {
  const created = composeLlmEngine(model, {
    flags: { model: tiny.dir, maxModelLen: 256, maxNumSeqs: 4, maxNumBatchedTokens: 64, ...(numBlocks !== undefined ? { numBlocks } : {}) },
    env: {}, logger: SILENT_LOGGER,
  });
  const results = await Promise.all(PROMPTS.map(async (prompt, i) => (await created.engine.generateBatch([prompt], params(i)))[0]));
  return { results, preemptions: created.engine.core.stats().numPreemptions, statesLeft: created.container.get(SamplingStateStore).size };
}

describe('sampling across preemptions', () => {
  describe('having seeded sampling with penalties and a KV pool too small for all requests', () => {
    it('should give each request the tokens it gets without preemption, and release every sampling state', async () => {
      const params = (i: number): GenerateParams => ({ temperature: 1, topK: 50, seed: 100 + i, frequencyPenalty: 0.5, maxTokens: 60, ignoreEos: true });
      const roomy = await generateAll(undefined, params);
      const tight = await generateAll(7, params);
      expect(roomy.preemptions).toBe(0);
      expect(tight.preemptions).toBeGreaterThan(0);
      expect(tight.results.map((r) => (r?.kind === 'final' ? r.tokenIds : r))).toEqual(roomy.results.map((r) => (r?.kind === 'final' ? r.tokenIds : r)));
      expect(tight.statesLeft).toBe(0);
      expect(roomy.statesLeft).toBe(0);
    });
  });
});
